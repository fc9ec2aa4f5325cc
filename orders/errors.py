"""The business errors of the orders app, raised by orders.services."""
