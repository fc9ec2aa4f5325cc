"""Admin for the orders app, one module per area; importing them registers the classes."""

from orders.admin import catalogue, orders, payments, slots  # noqa: F401
