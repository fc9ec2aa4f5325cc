"""Error reports (Sentry) and traces (OpenTelemetry), each on only when its setting is set.

SENTRY_DSN: sentry-sdk with its Django and Celery integrations, no personal data. Besides
collecting no user or request body, and sentry's own scrubber, `sentry_scrub` walks the
whole event before it leaves: values under personal or secret keys (emails, addresses,
tokens, the session header, cookies) are replaced, and any email address or bearer token
left in a message, an exception or a local variable is masked.

OTEL_EXPORTER_OTLP_ENDPOINT: Django, psycopg, Redis, Celery and requests are traced and the
spans exported over OTLP/HTTP (OpenTelemetry's own OTEL_* variables apply). The Celery
instrumentation carries the trace in the task's headers, so a task continues the trace of
the request that queued it. Unset, nothing is imported or instrumented.
"""

import re

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.scrubber import DEFAULT_DENYLIST, DEFAULT_PII_DENYLIST

FILTERED = "[Filtered]"
# Where an event carries what the app saw: the request, extra data, breadcrumbs' data, the
# local variables of each frame. Under these, a personal or secret key hides its value.
DATA_SECTIONS = {"request", "extra", "data", "vars", "user"}
PERSONAL_KEYS = {
    "db.params",
    "x_session_token",
    "x-session-token",
    "email",
    "to",
    "recipient",
    "delivery_address",
    "line1",
    "line2",
    "city",
    "postcode",
    "phone",
    "instructions",
    "first_name",
    "last_name",
    "name",
    "key",
    "signature",
}
SECRET_WORDS = ("token", "secret", "password", "authorization", "cookie", "session", "address")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# "Bearer <token>" anywhere; "token=...", "key=..." and the like in query strings and URLs.
TOKEN = re.compile(r"(?i)\b(bearer\s+|(?:token|key|secret|password|session\w*)=)[^\s&,;'\"]+")


DENYLIST = DEFAULT_DENYLIST + DEFAULT_PII_DENYLIST + sorted(PERSONAL_KEYS)


def _personal(key) -> bool:
    key = str(key).lower()
    return key in PERSONAL_KEYS or any(word in key for word in SECRET_WORDS)


def _scrub(value, *, in_data: bool = False):
    if isinstance(value, dict):
        return {
            k: FILTERED
            if in_data and _personal(k)
            else _scrub(v, in_data=in_data or k in DATA_SECTIONS)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_scrub(item, in_data=in_data) for item in value]
    if isinstance(value, str):
        return TOKEN.sub(r"\1" + FILTERED, EMAIL.sub(FILTERED, value))
    return value


def sentry_scrub(event, hint):
    """Sentry's before_send (and before_send_transaction): the event without personal data."""
    event = _scrub(event)
    event.pop("user", None)
    for crumb in (event.get("breadcrumbs") or {}).get("values", []):
        if crumb.get("category") == "redis":  # cache keys name sessions: keep the command
            crumb["message"] = str(crumb.get("message", "")).split(" ", 1)[0]
            crumb.pop("data", None)
    return event


def sentry_init(*, dsn: str, environment: str, transport=None) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # sentry-sdk's successor of send_default_pii=False: no user, cookies, request bodies
        # or SQL parameters; headers, query parameters and local variables minus personal ones.
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_bodies": [],
            "database_query_data": False,
            "http_headers": {"request": {"mode": "denylist", "terms": DENYLIST}},
            "url_query_params": {"mode": "denylist", "terms": DENYLIST},
            "stack_frame_variables": {"mode": "denylist", "terms": DENYLIST},
        },
        before_send=sentry_scrub,
        before_send_transaction=sentry_scrub,
        transport=transport,
    )


def _request_id_on_span(span, request, response):
    request_id = response.get("X-Request-ID")  # set by django-guid, an inner middleware
    if request_id and span.is_recording():
        span.set_attribute("orderly.request_id", request_id)


def tracing_instrument(*, tracer_provider) -> None:
    """Trace Django, psycopg, Redis, Celery and requests with this provider."""
    from opentelemetry.instrumentation.celery import CeleryInstrumentor
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.instrumentation.requests import RequestsInstrumentor

    DjangoInstrumentor().instrument(
        tracer_provider=tracer_provider, response_hook=_request_id_on_span
    )
    PsycopgInstrumentor().instrument(tracer_provider=tracer_provider, skip_dep_check=True)
    RedisInstrumentor().instrument(tracer_provider=tracer_provider)
    CeleryInstrumentor().instrument(tracer_provider=tracer_provider)
    RequestsInstrumentor().instrument(tracer_provider=tracer_provider)


def tracing_uninstrument() -> None:
    from opentelemetry.instrumentation.celery import CeleryInstrumentor
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.instrumentation.requests import RequestsInstrumentor

    for instrumentor in [
        DjangoInstrumentor,
        PsycopgInstrumentor,
        RedisInstrumentor,
        CeleryInstrumentor,
        RequestsInstrumentor,
    ]:
        instrumentor().uninstrument()


def tracing_init() -> None:
    """Export this process's spans over OTLP, when OTEL_EXPORTER_OTLP_ENDPOINT is set.
    Called by the web process (config/wsgi.py) and the Celery worker (config/celery.py)."""
    from django.conf import settings

    if not settings.OTEL_EXPORTER_OTLP_ENDPOINT:
        return
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": "orderly"}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    tracing_instrument(tracer_provider=provider)
