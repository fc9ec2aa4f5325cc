"""The orders' part of a customer's personal-data export and account erasure."""

from django.conf import settings
from django.db import transaction

from accounts.models import User
from orders.export import ExportOrderSerializer
from orders.models import Order
from orders.selectors.orders import order_list
from orders.states import IN_PROGRESS


def orders_export(*, user: User) -> list[dict]:
    """The user's own orders, JSON-ready (money as strings, times in ISO 8601)."""
    return ExportOrderSerializer(order_list(user=user).filter(user=user), many=True).data


@transaction.atomic
def orders_anonymise(*, user: User) -> int:
    """Erase the address and contact details copied onto the user's orders (and the email of
    those they placed as a guest, which ends their links too); return the count."""
    return Order.objects.filter(user=user).update(
        guest_email="",
        delivery_address="",
        delivery_postcode="",
        delivery_instructions="",
        contact_name="",
        contact_email="",
        contact_phone="",
    )


def orders_deletion_refusal(*, user: User) -> str:
    """Why the account cannot be deleted yet: its orders still in progress, named, and how
    to end them ("" when there are none). docs/decisions/0005 says why."""
    live = list(
        Order.objects.filter(user=user, status__in=IN_PROGRESS)
        .order_by("number")
        .values_list("number", flat=True)
    )
    if not live:
        return ""
    minutes = int(settings.ORDER_PAYMENT_TIMEOUT.total_seconds() // 60)
    return (
        f"Your account has orders in progress: {', '.join(live)}. The shop needs your name, "
        "address and email to fulfil them. Cancel each one on its page under My orders "
        f"(an unpaid order is also released by itself after {minutes} minutes), or ask the "
        "shop about one that is already on its way; once every order is completed or "
        "cancelled, you can delete your account."
    )
