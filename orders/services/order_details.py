"""What staff may edit on a placed order: its delivery address and contact details."""

from django.utils import timezone

from orders.models import Order

EDITABLE_FIELDS = ("delivery_address", "contact_name", "contact_email", "contact_phone")


def order_details_update(*, order: Order, data: dict[str, str]) -> Order:
    """Write the edited contact and delivery fields of `data` (other keys are ignored) and
    nothing else: one UPDATE of those columns, so a payment or a move applied at the same
    moment is never written back over. Returns the order with the edits applied."""
    changes = {field: data[field] for field in EDITABLE_FIELDS if field in data}
    if not changes:
        return order
    changes["updated_at"] = timezone.now()
    Order.objects.filter(pk=order.pk).update(**changes)
    for field, value in changes.items():
        setattr(order, field, value)
    return order
