"""The orders' part of a customer's personal-data export and account erasure."""

from django.db import transaction

from accounts.models import User
from orders.export import ExportOrderSerializer
from orders.models import Order
from orders.selectors.orders import order_list


def orders_export(*, user: User) -> list[dict]:
    """The user's own orders, JSON-ready (money as strings, times in ISO 8601)."""
    return ExportOrderSerializer(order_list(user=user).filter(user=user), many=True).data


@transaction.atomic
def orders_anonymise(*, user: User) -> int:
    """Erase the address and contact details copied onto the user's orders; return the count."""
    return Order.objects.filter(user=user).update(
        delivery_address="",
        delivery_postcode="",
        delivery_instructions="",
        contact_name="",
        contact_email="",
        contact_phone="",
    )
