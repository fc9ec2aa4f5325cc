"""Error reports leave without personal data; a checkout's trace continues into its tasks."""

import time
from decimal import Decimal

import pytest
import sentry_sdk
from celery.contrib.testing.worker import start_worker
from django.http import HttpResponse
from django.urls import path
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from sentry_sdk.transport import Transport

from config.celery import app as celery_app
from config.observability import sentry_init, tracing_instrument, tracing_uninstrument
from tests.factories import CartFactory, CartLineFactory, ProductFactory, SlotFactory, UserFactory

EMAIL = "ann.customer@example.com"
BEARER = "sekrit-bearer-4e1d"
SESSION_TOKEN = "session-token-9b7c"
COOKIE = "cookie-value-51fa"
STREET = "12 Orchard Lane"


def broken_checkout(request):
    delivery_address = STREET  # noqa: F841 - a local variable Sentry would report
    session_token = request.headers["X-Session-Token"]  # noqa: F841
    raise RuntimeError(f"Cannot deliver to {request.POST['email']}")


def fine(request):
    return HttpResponse("ok")


urlpatterns = [path("boom/", broken_checkout), path("fine/", fine)]


class Captured(Transport):
    """A transport that keeps what would have been sent to Sentry."""

    def __init__(self):
        super().__init__()
        self.sent: list[bytes] = []

    def capture_envelope(self, envelope):
        self.sent.append(envelope.serialize())


@pytest.fixture
def sentry():
    transport = Captured()
    sentry_init(dsn="https://public@sentry.example.com/1", environment="test", transport=transport)
    yield transport
    sentry_sdk.init()  # no DSN: reporting is off again


@pytest.mark.django_db
def test_an_error_report_carries_no_email_address_or_token(client, settings, sentry):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    client.cookies["sessionid"] = COOKIE

    response = client.post(
        f"/boom/?token={BEARER}",
        {"email": EMAIL, "line1": STREET, "postcode": "AB1 2CD"},
        headers={"Authorization": f"Bearer {BEARER}", "X-Session-Token": SESSION_TOKEN},
    )
    sentry_sdk.flush()

    assert response.status_code == 500
    sent = b"".join(sentry.sent)
    assert b"RuntimeError" in sent and b"Cannot deliver to" in sent  # the report did leave
    for secret in [EMAIL, BEARER, SESSION_TOKEN, COOKIE, STREET, "AB1 2CD"]:
        assert secret.encode() not in sent, sent[
            max(0, sent.find(secret.encode()) - 400) : sent.find(secret.encode()) + 50
        ]


@pytest.fixture
def spans(settings):
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing_instrument(tracer_provider=provider)
    yield exporter
    tracing_uninstrument()


@pytest.mark.django_db(transaction=True)
def test_a_checkout_trace_continues_into_the_email_task_it_queued(
    api_client, real_worker_mode, spans
):
    user = UserFactory(email=EMAIL)
    cart = CartFactory(user=user)
    CartLineFactory(cart=cart, product=ProductFactory(price=Decimal("3.00")), quantity=1)
    slot = SlotFactory(kind="pickup")
    api_client.force_authenticate(user)

    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        response = api_client.post(
            "/api/v1/orders/", {"slot": slot.pk}, format="json", headers={"Idempotency-Key": "t-1"}
        )
        for _ in range(200):
            if any(s.name.startswith("run/") for s in spans.get_finished_spans()):
                break
            time.sleep(0.05)

    assert response.status_code == 201, response.content
    finished = spans.get_finished_spans()
    (request_span,) = [s for s in finished if s.kind == SpanKind.SERVER]
    assert request_span.attributes["orderly.request_id"] == response["X-Request-ID"]
    (queued,) = [s for s in finished if s.name == "apply_async/notifications.tasks.send_delivery"]
    (ran,) = [s for s in finished if s.name == "run/notifications.tasks.send_delivery"]
    assert queued.context.trace_id == request_span.context.trace_id
    assert ran.context.trace_id == request_span.context.trace_id
    assert ran.parent.span_id == queued.context.span_id


def test_tracing_is_off_without_an_endpoint(client, settings):
    from opentelemetry import trace

    from config.observability import tracing_init

    settings.OTEL_EXPORTER_OTLP_ENDPOINT = ""
    tracing_init()

    assert not any("opentelemetry" in m for m in settings.MIDDLEWARE)
    assert not trace.get_tracer_provider().get_tracer(__name__).start_span("x").is_recording()
