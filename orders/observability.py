"""What orders adds to /metrics: orders counted by event after their change commits
(orderly_orders_total{event}), and the refunds failing, read at scrape time."""

from django.db import transaction
from django.dispatch import receiver
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from config import metrics
from orders.models import Order, Refund
from orders.signals import order_changing, payment_refunded

Status = Order.Status
EVENTS = {
    Status.PAID: "paid",
    Status.CANCELLED: "cancelled",
    Status.EXPIRED: "expired",
    Status.COMPLETED: "completed",
}


@receiver(order_changing, sender=Order, dispatch_uid="orders.count_order_event")
def count_order_event(sender, from_status, to_status, **kwargs):
    """Counted once the change commits (never for one that rolled back)."""
    event = "placed" if not from_status else EVENTS.get(to_status)
    if event:
        transaction.on_commit(lambda: metrics.order_counted(event), robust=True)


@receiver(payment_refunded, sender=Refund, dispatch_uid="orders.count_refund")
def count_refund(sender, **kwargs):
    metrics.order_counted("refunded")


class RefundsCollector(Collector):
    """orderly_refunds_failing: refunds whose last attempt failed (retried, or given up)."""

    def collect(self):
        failing = Refund.objects.exclude(
            status__in=[Refund.Status.PENDING, Refund.Status.SUCCEEDED]
        ).count()
        yield GaugeMetricFamily(
            "orderly_refunds_failing",
            "Refunds whose last attempt at the provider failed.",
            value=failing,
        )


def register() -> None:
    metrics.scrape_collector_register(RefundsCollector())
