"""What the notifications app does when other parts of Orderly send a signal.

The order signals used here are sent inside the transaction of the change, so a
notification commits with the change or not at all (the outbox).
"""

from django.dispatch import receiver

from accounts.signals import user_data_export, user_erasing
from notifications.services import (
    low_stock_rearm,
    managers_tell_payment_problem,
    order_change_notify,
    order_refunded_notify,
    user_notifications_erase,
    user_notifications_export,
)
from orders.signals import order_changing, payment_problem, payment_refunded, stock_adjusted


@receiver(order_changing, dispatch_uid="notifications.order_changing")
def order_changing_notify(sender, order, from_status, to_status, by, **kwargs):
    order_change_notify(order=order, from_status=from_status, to_status=to_status, by=by)


@receiver(payment_refunded, dispatch_uid="notifications.payment_refunded")
def payment_refunded_notify(sender, order, amount, refund=None, **kwargs):
    order_refunded_notify(order=order, amount=amount, lines=refund.lines if refund else ())


@receiver(payment_problem, dispatch_uid="notifications.payment_problem")
def payment_problem_notify(sender, order, problem, **kwargs):
    managers_tell_payment_problem(order=order, problem=problem)


@receiver(stock_adjusted, dispatch_uid="notifications.stock_adjusted")
def stock_adjusted_rearm(sender, product, **kwargs):
    low_stock_rearm(product_ids=[product.pk])


@receiver(user_data_export, dispatch_uid="notifications.export")
def export_notifications(sender, user, **kwargs):
    return {"notifications": user_notifications_export(user=user)}


@receiver(user_erasing, dispatch_uid="notifications.erase")
def erase_notifications(sender, user, **kwargs):
    user_notifications_erase(user=user)
