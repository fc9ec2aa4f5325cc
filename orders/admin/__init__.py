"""Admin for the orders app, one module per area; importing them registers the classes."""

from orders.admin import (  # noqa: F401
    catalogue,
    delivery,
    hours,
    invoices,
    options,
    orders,
    payments,
    slots,
)
