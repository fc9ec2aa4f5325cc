"""Orders counted for /metrics (orderly_orders_total{event}), after their change commits."""

from django.dispatch import receiver

from config import metrics
from orders.models import Order, Refund
from orders.signals import order_changed, payment_refunded

Status = Order.Status
EVENTS = {
    Status.PAID: "paid",
    Status.CANCELLED: "cancelled",
    Status.EXPIRED: "expired",
    Status.COMPLETED: "completed",
}


@receiver(order_changed, sender=Order, dispatch_uid="orders.count_order_event")
def count_order_event(sender, from_status, to_status, **kwargs):
    event = "placed" if not from_status else EVENTS.get(to_status)
    if event:
        metrics.order_counted(event)


@receiver(payment_refunded, sender=Refund, dispatch_uid="orders.count_refund")
def count_refund(sender, **kwargs):
    metrics.order_counted("refunded")
