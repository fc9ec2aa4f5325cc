"""What the notifications app does when other parts of Orderly send a signal.

The order signals used here are sent inside the transaction of the change, so a
notification commits with the change or not at all (the outbox).
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.signals import user_data_export, user_erasing
from notifications.models import LowStockAlert
from notifications.services import (
    low_stock_rearm,
    managers_tell_payment_problem,
    order_change_notify,
    order_refunded_notify,
    user_notifications_erase,
    user_notifications_export,
)
from notifications.webhooks import (
    webhook_order_changed,
    webhook_order_refunded,
    webhook_payloads_erase,
    webhook_product_low_stock,
)
from orders.signals import order_changing, payment_problem, payment_refunded, stock_adjusted


@receiver(order_changing, dispatch_uid="notifications.order_changing")
def order_changing_notify(sender, order, from_status, to_status, by, **kwargs):
    order_change_notify(order=order, from_status=from_status, to_status=to_status, by=by)


@receiver(order_changing, dispatch_uid="notifications.order_changing_webhooks")
def order_changing_webhooks(sender, order, from_status, to_status, **kwargs):
    webhook_order_changed(order=order, from_status=from_status, to_status=to_status)


@receiver(payment_refunded, dispatch_uid="notifications.payment_refunded_webhooks")
def payment_refunded_webhooks(sender, order, amount, **kwargs):
    webhook_order_refunded(order=order, amount=amount)


@receiver(post_save, sender=LowStockAlert, dispatch_uid="notifications.low_stock_webhooks")
def low_stock_webhooks(sender, instance, created, **kwargs):
    """A LowStockAlert is written once per crossing, in the transaction that crossed."""
    if created:
        webhook_product_low_stock(product=instance.product)


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
    webhook_payloads_erase(user=user)
