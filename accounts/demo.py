"""Demo accounts for `manage.py seed_demo`."""


def seed_users() -> list[str]:
    """Create the demo users (idempotent) and return their logins, one line each."""
    return []
