"""Every periodic job, in one table. `manage.py setup_schedules` writes them to
django-celery-beat's tables, where admins can edit them.

The settings own each job's task, expiry and schedule (REPORT_HOUR sets the report's):
setup_schedules updates them. Admins own whether a job is enabled, and a schedule they
changed in admin, which setup_schedules then keeps.

Each entry: name -> (task path, crontab fields, expires in seconds or None). A job that
runs every minute or five expires before its next run, so a backlog left by downtime does
not pile up; every job is safe when two workers run it at once.
"""

from django.conf import settings

SCHEDULES = {
    "expire unpaid orders": ("orders.tasks.expire_unpaid_orders", {}, 50),
    "retry due refunds": ("orders.tasks.retry_due_refunds", {}, 50),
    "make missing picture renditions": (
        "orders.tasks.sweep_image_renditions",
        {"minute": "*/5"},
        240,
    ),
    "queue unsent notifications": ("notifications.tasks.queue_due_deliveries", {}, 50),
    "slot reminders": ("notifications.tasks.send_slot_reminders", {"minute": "*/5"}, 240),
    "daily sales report": (
        "notifications.tasks.send_daily_report",
        {"minute": "0", "hour": str(settings.REPORT_HOUR)},
        None,
    ),
    "clear expired sessions": (
        "accounts.tasks.clear_expired_sessions",
        {"minute": "30", "hour": "3"},
        None,
    ),
    "create slots from opening hours": (
        "orders.tasks.generate_slots",
        {"minute": "15", "hour": "2"},
        None,
    ),
    "delete stale guest carts": (
        "orders.tasks.delete_stale_guest_carts",
        {"minute": "45", "hour": "3"},
        None,
    ),
}
