"""What the notifications app does when other parts of Orderly send a signal.

The order signals used here are sent inside the transaction of the change, so a
notification commits with the change or not at all (the outbox).
"""

from django.dispatch import receiver

from accounts.signals import user_data_export, user_erasing
from notifications.services import (
    order_change_notify,
    order_refunded_notify,
    user_notifications_erase,
    user_notifications_export,
)
from orders.signals import order_changing, payment_refunded


@receiver(order_changing, dispatch_uid="notifications.order_changing")
def order_changing_notify(sender, order, from_status, to_status, by, **kwargs):
    order_change_notify(order=order, from_status=from_status, to_status=to_status, by=by)


@receiver(payment_refunded, dispatch_uid="notifications.payment_refunded")
def payment_refunded_notify(sender, order, amount, **kwargs):
    order_refunded_notify(order=order, amount=amount)


@receiver(user_data_export, dispatch_uid="notifications.export")
def export_notifications(sender, user, **kwargs):
    return {"notifications": user_notifications_export(user=user)}


@receiver(user_erasing, dispatch_uid="notifications.erase")
def erase_notifications(sender, user, **kwargs):
    user_notifications_erase(user=user)
