"""What the orders app does when other parts of Orderly send a signal."""
