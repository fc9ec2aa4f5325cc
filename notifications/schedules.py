"""Every periodic job, in one table. `manage.py setup_schedules` writes them to
django-celery-beat's tables (idempotently), where admins can edit them.

Each entry: name -> (task path, crontab fields).
"""

SCHEDULES = {
    "expire unpaid orders": ("orders.tasks.expire_unpaid_orders", {}),
    "retry due refunds": ("orders.tasks.retry_due_refunds", {}),
    "clear expired sessions": (
        "accounts.tasks.clear_expired_sessions",
        {"minute": "30", "hour": "3"},
    ),
    "create slots from opening hours": (
        "orders.tasks.generate_slots",
        {"minute": "15", "hour": "2"},
    ),
    "delete stale guest carts": (
        "orders.tasks.delete_stale_guest_carts",
        {"minute": "45", "hour": "3"},
    ),
}
