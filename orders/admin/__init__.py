"""Admin for the orders app, one module per area; importing them registers the classes."""
