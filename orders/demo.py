"""Demo catalogue and slots for `manage.py seed_demo`. Each function is idempotent."""


def seed_catalogue() -> list[str]:
    """Create the demo categories and products; return lines to print."""
    return []


def seed_slots() -> list[str]:
    """Create delivery and pickup slots for the coming days; return lines to print."""
    return []
