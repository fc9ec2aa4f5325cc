"""What notifications adds to /metrics: the outbox read at scrape time, and which Celery
tasks are the scheduled jobs whose last success is kept."""

from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from config import metrics
from notifications.schedules import SCHEDULES
from notifications.selectors import outbox_state


class OutboxCollector(Collector):
    """orderly_outbox_backlog and orderly_outbox_oldest_seconds: the emails still to send
    and how long the oldest has waited. They grow while no worker sends."""

    def collect(self):
        backlog, oldest = outbox_state()
        age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
        yield GaugeMetricFamily(
            "orderly_outbox_backlog", "Emails written and not yet sent.", value=backlog
        )
        yield GaugeMetricFamily(
            "orderly_outbox_oldest_seconds",
            "Seconds the oldest email still to send has waited.",
            value=max(age, 0.0),
        )


def register() -> None:
    metrics.scrape_collector_register(OutboxCollector())
    metrics.jobs_register(task for task, _, _ in SCHEDULES.values())
