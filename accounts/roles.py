"""Roles are Django groups with permissions; views check permissions, never group names.

ROLE_PERMISSIONS is the one table of who may do what. It names permissions as strings
(accounts never imports orders); orders/permissions.py holds the same names for the
checks, and a test keeps the two in step. `roles_sync()` makes the
groups match it: called by the data migration 0003_roles and again after every
`migrate` (accounts.apps), so permissions that later migrations add (the custom
ones on orders.Order, for instance) are granted too.
"""

from django.apps import apps as global_apps

CUSTOMER = "customer"
STAFF = "staff"
MANAGER = "manager"

_STAFF_PERMISSIONS = (
    "orders.view_order",
    "orders.fulfil_order",
    "orders.view_orderline",
    "orders.view_orderevent",
    "orders.view_slot",
    "orders.view_product",
    "orders.view_category",
    "orders.view_payment",
    "orders.view_paymentevent",
    "orders.view_refund",
)


def _crud(app_label: str, model: str) -> tuple[str, ...]:
    return tuple(f"{app_label}.{action}_{model}" for action in ("add", "change", "delete", "view"))


ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    CUSTOMER: (),
    STAFF: _STAFF_PERMISSIONS,
    MANAGER: (
        *_STAFF_PERMISSIONS,
        "orders.refund_order",
        "orders.view_sales_dashboard",
        "orders.view_stockmovement",
        "orders.view_invoice",
        "orders.view_invoiceline",
        "orders.view_creditnote",
        "orders.view_creditnoteline",
        *_crud("orders", "product"),
        *_crud("orders", "category"),
        *_crud("orders", "slot"),
        *_crud("orders", "openinghours"),
        *_crud("orders", "closure"),
        *_crud("orders", "coupon"),
        *_crud("orders", "deliveryzone"),
        *_crud("orders", "deliveryzonerule"),
        *_crud("notifications", "webhookendpoint"),
        "notifications.view_webhookdelivery",
        "notifications.view_webhookattempt",
        "accounts.view_user",
        # The scheduled jobs and when each last ran, read-only (superusers edit them).
        "django_celery_beat.view_periodictask",
        "django_celery_beat.view_crontabschedule",
        "django_celery_beat.view_intervalschedule",
    ),
}


def roles_sync(*, apps=global_apps) -> None:
    """Create the role groups and grant each the listed permissions that exist (idempotent).

    `apps` is the historical registry inside a migration. A permission whose model
    does not exist yet is skipped; the post_migrate run grants it once it does.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = {tuple(name.split(".", 1)) for name in names}
        if not wanted:
            continue
        existing = Permission.objects.filter(
            content_type__app_label__in={app_label for app_label, _ in wanted},
            codename__in={codename for _, codename in wanted},
        ).values_list("pk", "content_type__app_label", "codename")
        group.permissions.add(
            *(pk for pk, app_label, codename in existing if (app_label, codename) in wanted)
        )
