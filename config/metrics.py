"""Prometheus metrics: the series of SPEC §8, counted in every process, summed at /metrics.

With PROMETHEUS_MULTIPROC_DIR set (the Procfile and `make run` set it and empty it at
start), prometheus-client writes each process's values to files in that folder and
/metrics sums the files, so every gunicorn worker and every Celery worker is counted.
Without it, /metrics shows the process that answers (a lone runserver, the tests).

config imports no domain app: domain apps count through the functions here, and register
the gauges read from their own tables at scrape time with `scrape_collector_register`.
"""

import hmac
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from config.errors import ApplicationError

HTTP_REQUESTS = Counter(
    "orderly_http_requests",
    "HTTP requests answered, by method, URL pattern and status.",
    ["method", "route", "status"],
)
HTTP_DURATION = Histogram(
    "orderly_http_request_duration_seconds",
    "Time to answer an HTTP request, by URL pattern.",
    ["route"],
)
ORDERS = Counter("orderly_orders", "Orders by event, counted after commit.", ["event"])
CHECKOUT_REFUSALS = Counter(
    "orderly_checkout_refusals", "Checkouts refused, by the error's code.", ["code"]
)
NOTIFICATIONS = Counter(
    "orderly_notifications", "Notifications written and emails tried.", ["channel", "result"]
)
WEBHOOK_DELIVERIES = Counter(
    "orderly_webhook_deliveries", "Outgoing webhook delivery attempts, by result.", ["result"]
)
CELERY_TASKS = Counter("orderly_celery_tasks", "Celery tasks run, by result.", ["task", "result"])
JOB_LAST_SUCCESS = Gauge(
    "orderly_job_last_success_timestamp_seconds",
    "When each scheduled job last succeeded (Unix seconds).",
    ["job"],
    multiprocess_mode="max",
)

ORDER_EVENTS = ("placed", "paid", "cancelled", "expired", "refunded", "completed")

# Collectors that read the database when /metrics is scraped (registered by domain apps).
SCRAPE_REGISTRY = CollectorRegistry()
# The Celery task names of the scheduled jobs (registered by the app that owns the table).
_jobs: set[str] = set()


def order_counted(event: str) -> None:
    """Count an order event once its transaction commits (never for one rolled back)."""
    transaction.on_commit(lambda: ORDERS.labels(event).inc())


def notification_counted(*, channel: str, result: str) -> None:
    """Count a notification written, or an email sent or failed, once it commits."""
    transaction.on_commit(lambda: NOTIFICATIONS.labels(channel, result).inc())


def refusals_counted(service: Callable) -> Callable:
    """Count each ApplicationError the service raises, by its code (for checkout)."""

    @wraps(service)
    def counted(*args, **kwargs):
        try:
            return service(*args, **kwargs)
        except ApplicationError as error:
            CHECKOUT_REFUSALS.labels(error.code).inc()
            raise

    return counted


def jobs_register(task_names) -> None:
    _jobs.update(task_names)


def task_counted(*, task: str, state: str) -> None:
    CELERY_TASKS.labels(task, state.lower()).inc()
    if state == "SUCCESS" and task in _jobs:
        JOB_LAST_SUCCESS.labels(task).set(time.time())


def scrape_collector_register(collector: Collector) -> None:
    SCRAPE_REGISTRY.register(collector)


def _route(request: HttpRequest) -> str:
    """The URL pattern that answered; a regular expression's (DRF's routers) without ^ $."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return "/" + match.route.removeprefix("^").removesuffix("$")


class MetricsMiddleware:
    """Counts and times every answer by its URL pattern (`/orders/<str:number>/`), never by
    its path, so the series stay few. Off (not even loaded) while METRICS_TOKEN is unset."""

    def __init__(self, get_response):
        if not settings.METRICS_TOKEN:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        route = _route(request)
        HTTP_DURATION.labels(route).observe(time.perf_counter() - started)
        HTTP_REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        return response


def exposition() -> bytes:
    """Every process's series (from the multiprocess folder, when set), then the gauges
    read at scrape time."""
    if settings.PROMETHEUS_MULTIPROC_DIR:
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=settings.PROMETHEUS_MULTIPROC_DIR)
    else:
        registry = REGISTRY
    return generate_latest(registry) + generate_latest(SCRAPE_REGISTRY)


@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text for a scraper holding METRICS_TOKEN; not there at all when unset."""
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return HttpResponse(
            "Send Authorization: Bearer <METRICS_TOKEN>.\n",
            status=401,
            content_type="text/plain",
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
