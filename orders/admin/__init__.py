"""Admin for the orders app, one module per area; importing them registers the classes."""

from orders.admin import catalogue, hours, invoices, orders, payments, slots  # noqa: F401
