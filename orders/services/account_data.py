"""The orders' part of a customer's personal-data export and account erasure."""

from django.db import transaction

from accounts.models import User
from orders.models import Order
from orders.selectors.orders import order_list


def orders_export(*, user: User) -> list[dict]:
    """The user's own orders as JSON-ready dicts (money as strings, times in ISO 8601)."""
    orders = order_list(user=user).filter(user=user)
    return [
        {
            "number": order.number,
            "status": order.status,
            "kind": order.kind,
            "slot_starts_at": order.slot.starts_at.isoformat(),
            "slot_ends_at": order.slot.ends_at.isoformat(),
            "delivery_address": order.delivery_address,
            "contact_name": order.contact_name,
            "contact_email": order.contact_email,
            "contact_phone": order.contact_phone,
            "coupon_code": order.coupon_code,
            "subtotal": str(order.subtotal),
            "tax": str(order.tax),
            "delivery_fee": str(order.delivery_fee),
            "discount": str(order.discount),
            "total": str(order.total),
            "delivery_tax": str(order.delivery_tax),
            "prices_include_tax": order.prices_include_tax,
            "currency": order.currency,
            "placed_at": order.placed_at.isoformat(),
            "paid_at": order.paid_at.isoformat() if order.paid_at else None,
            "lines": [
                {
                    "product_name": line.product_name,
                    "sku": line.sku,
                    "unit_price": str(line.unit_price),
                    "tax_rate": str(line.tax_rate),
                    "quantity": line.quantity,
                    "line_total": str(line.line_total),
                    "discount": str(line.discount),
                    "net": str(line.net),
                    "tax": str(line.tax),
                    "gross": str(line.gross),
                }
                for line in order.lines.all()
            ],
            "events": [
                {
                    "from_status": event.from_status,
                    "to_status": event.to_status,
                    "note": event.note,
                    "created_at": event.created_at.isoformat(),
                }
                for event in order.events.all()
            ],
        }
        for order in orders
    ]


@transaction.atomic
def orders_anonymise(*, user: User) -> int:
    """Erase the address and contact details copied onto the user's orders; return the count."""
    return Order.objects.filter(user=user).update(
        delivery_address="", contact_name="", contact_email="", contact_phone=""
    )
