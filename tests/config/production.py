"""What a production process insists on being told, for tests that start one."""

import os


def production_services() -> dict[str, str]:
    """The database, broker, mail server, address and payment provider production needs
    named. A process that only starts, or answers without them, never contacts them."""
    database = os.environ.get("DATABASE_URL", "")
    return {
        "DATABASE_URL": database
        if database.startswith("postgres")
        else "postgres://postgres@127.0.0.1:5432/orderly",
        "REDIS_URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/1",
        "EMAIL_URL": "smtp://localhost:25",
        "SITE_URL": "https://shop.example.com",
        "PAYMENT_PROVIDER": "sandbox",
        "ALLOW_SANDBOX_PAYMENTS": "true",
        "MEDIA_STORAGE": "local",
    }
