"""Every write of outgoing webhooks: endpoints, the events they hear, and sending them.

The outbox again: a WebhookDelivery per subscribed endpoint is written in the transaction
of the change (receivers of orders' in-transaction signals), and the send task is queued
after commit. Each attempt first claims the delivery with one conditional UPDATE, so two
workers holding the same task send once. A failed attempt waits twice as long as the one
before (the minute sweep queues it when due) until 24 hours after the event, then the
delivery is failed; WEBHOOK_PAUSE_AFTER failures in a row pause the endpoint and managers
are told. Targets must be https at public addresses (checked when an endpoint is saved and
again before each attempt, which connects to the address checked), unless
WEBHOOKS_ALLOW_HTTP / WEBHOOKS_ALLOW_PRIVATE say so.
"""

import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter

from accounts.models import User
from config import metrics
from config.celery import task_queue
from notifications.errors import WebhookEventsInvalid, WebhookURLRefused
from notifications.models import (
    WEBHOOK_TEST_EVENT,
    Kind,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from notifications.services import notify, users_with_permission
from orders.models import Order, Product

logger = logging.getLogger(__name__)

# Managers keep the endpoints (accounts.roles grants it) and hear when one is paused.
MANAGE_WEBHOOKS = "notifications.change_webhookendpoint"
WEBHOOK_SEND_TASK = "notifications.tasks.send_webhook"
WEBHOOK_FIRST_RETRY = timedelta(minutes=1)
WEBHOOK_LONGEST_WAIT = timedelta(hours=4)
WEBHOOK_RETRY_FOR = timedelta(hours=24)
WEBHOOK_PAUSE_AFTER = 20
WEBHOOK_STUCK_AFTER = timedelta(minutes=10)
RESPONSE_KEPT = 1024
Status = WebhookDelivery.Status


# --- Safety ------------------------------------------------------------------------------


def _address_refused(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    # Loopback, private, link-local (169.254.169.254, the cloud metadata address, is one),
    # shared, reserved and multicast addresses are all "not global".
    return not ip.is_global or ip.is_multicast


def webhook_url_check(*, url: str) -> str | None:
    """Refuse a target Orderly must not call: WebhookURLRefused names why. Returns the
    checked address to connect to (None when private addresses are allowed)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise WebhookURLRefused(_("Not a valid URL: %(reason)s.") % {"reason": error}) from error
    allowed = {"https", "http"} if settings.WEBHOOKS_ALLOW_HTTP else {"https"}
    if parts.scheme not in allowed:
        raise WebhookURLRefused(_("The URL must start with https://."))
    if not parts.hostname:
        raise WebhookURLRefused(_("The URL has no host."))
    if parts.username or parts.password:
        raise WebhookURLRefused(_("The URL must not carry a user name or password."))
    if settings.WEBHOOKS_ALLOW_PRIVATE:
        return None
    try:
        found = socket.getaddrinfo(parts.hostname, port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise WebhookURLRefused(
            _("The host %(host)s cannot be resolved.") % {"host": parts.hostname}
        ) from error
    if any(_address_refused(info[4][0]) for info in found):
        raise WebhookURLRefused(
            _("The host %(host)s is inside a private network; only public addresses are allowed.")
            % {"host": parts.hostname}
        )
    return found[0][4][0]


def _events_check(events) -> list[str]:
    if not isinstance(events, list) or not events:
        raise WebhookEventsInvalid(_("Choose at least one event."))
    unknown = [event for event in events if event not in WebhookEvent.values]
    if unknown:
        raise WebhookEventsInvalid(
            _("Unknown event(s): %(unknown)s. Known: %(known)s.")
            % {"unknown": ", ".join(map(str, unknown)), "known": ", ".join(WebhookEvent.values)}
        )
    return sorted(set(events))


# --- Endpoints ---------------------------------------------------------------------------


def _new_secret() -> str:
    return f"whsec_{secrets.token_hex(24)}"


def webhook_endpoint_create(*, url: str, events: list, active: bool = True) -> WebhookEndpoint:
    """A new endpoint with a fresh secret (returned on it: shown this once)."""
    webhook_url_check(url=url)
    return WebhookEndpoint.objects.create(
        url=url, events=_events_check(events), active=active, secret=_new_secret()
    )


def webhook_endpoint_update(*, endpoint: WebhookEndpoint, **changes) -> WebhookEndpoint:
    """Change url, events or active. Turning a paused endpoint on again forgets its
    failures, and what waited for it is tried again."""
    fields = []
    if "url" in changes:
        webhook_url_check(url=changes["url"])
        endpoint.url = changes["url"]
        fields.append("url")
    if "events" in changes:
        endpoint.events = _events_check(changes["events"])
        fields.append("events")
    if "active" in changes:
        endpoint.active = bool(changes["active"])
        fields.append("active")
        if endpoint.active:
            endpoint.paused_at = None
            endpoint.consecutive_failures = 0
            fields += ["paused_at", "consecutive_failures"]
    if fields:
        endpoint.save(update_fields=fields)
    return endpoint


def webhook_endpoint_rotate_secret(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new secret, from the next attempt on (returned on it: shown this once)."""
    endpoint.secret = _new_secret()
    endpoint.save(update_fields=["secret"])
    return endpoint


def webhook_endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    endpoint.delete()


# --- Events ------------------------------------------------------------------------------


def _text(value) -> str | None:
    return None if value is None else str(value)


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def webhook_order_data(order: Order) -> dict:
    """The order as the API shows it (orders.api.orders.OrderSerializer's fields that do not
    depend on who asks)."""
    slot = order.slot
    return {
        "number": order.number,
        "status": order.status,
        "kind": order.kind,
        "slot": {
            "id": slot.pk,
            "kind": slot.kind,
            "starts_at": _when(slot.starts_at),
            "ends_at": _when(slot.ends_at),
        },
        "delivery_address": order.delivery_address,
        "coupon_code": order.coupon_code,
        **{
            name: _text(getattr(order, name))
            for name in (
                "subtotal",
                "tax",
                "delivery_fee",
                "delivery_tax",
                "discount",
                "total",
                "refunded",
            )
        },
        "prices_include_tax": order.prices_include_tax,
        "currency": order.currency,
        "placed_at": _when(order.placed_at),
        "paid_at": _when(order.paid_at),
        "lines": [
            {
                "id": line.pk,
                "product": line.product_id,
                "product_name": line.product_name,
                "sku": line.sku,
                "quantity": line.quantity,
                **{
                    name: _text(getattr(line, name))
                    for name in (
                        "unit_price",
                        "tax_rate",
                        "line_total",
                        "discount",
                        "net",
                        "tax",
                        "gross",
                    )
                },
            }
            for line in order.lines.order_by("pk")
        ],
    }


# The order fields of a payload that account deletion erases (orders_anonymise's, as sent).
WEBHOOK_PERSONAL_ORDER_FIELDS = ("delivery_address",)


def webhook_payloads_erase(*, user: User) -> int:
    """Erase the personal fields from the stored payloads of the user's orders' deliveries
    (those still waiting are sent erased); return how many were changed."""
    numbers = Order.objects.filter(user=user).values_list("number", flat=True)
    deliveries = list(
        WebhookDelivery.objects.filter(payload__data__order__number__in=list(numbers)).only(
            "pk", "payload"
        )
    )
    for delivery in deliveries:
        order = delivery.payload["data"]["order"]
        order.update(dict.fromkeys(WEBHOOK_PERSONAL_ORDER_FIELDS, ""))
    WebhookDelivery.objects.bulk_update(deliveries, ["payload"], batch_size=500)
    return len(deliveries)


def _deliveries_write(*, endpoints, event_type: str, data: dict) -> list[WebhookDelivery]:
    if not endpoints:
        return []
    now = timezone.now()
    event_id = uuid.uuid4()
    payload = {
        "id": str(event_id),
        "type": event_type,
        "created": int(now.timestamp()),
        "data": data,
    }
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint=endpoint,
            event_id=event_id,
            event_type=event_type,
            payload=payload,
            give_up_at=now + WEBHOOK_RETRY_FOR,
        )
        for endpoint in endpoints
    )
    for delivery in deliveries:
        # robust: a broker that is down must not undo the change; the sweep sends it later.
        transaction.on_commit(lambda pk=delivery.pk: task_queue(WEBHOOK_SEND_TASK, pk), robust=True)
    return deliveries


def webhook_event_write(*, event_type: str, data: dict) -> list[WebhookDelivery]:
    """One delivery of the event for each active endpoint that hears it, written in the
    caller's transaction and queued after its commit."""
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(active=True).only("pk", "events")
        if event_type in endpoint.events
    ]
    return _deliveries_write(endpoints=endpoints, event_type=event_type, data=data)


def webhook_order_changed(*, order: Order, from_status: str, to_status: str) -> None:
    """The events of an order's change: placed; or status_changed, and paid, cancelled or
    expired when that is the change."""
    if not from_status:
        types = [WebhookEvent.ORDER_PLACED]
    else:
        types = [WebhookEvent.ORDER_STATUS_CHANGED]
        specific = {
            Order.Status.PAID: WebhookEvent.ORDER_PAID,
            Order.Status.CANCELLED: WebhookEvent.ORDER_CANCELLED,
            Order.Status.EXPIRED: WebhookEvent.ORDER_EXPIRED,
        }.get(to_status)
        if specific:
            types.append(specific)
    endpoints = list(WebhookEndpoint.objects.filter(active=True).only("pk", "events"))
    if not any(t in endpoint.events for endpoint in endpoints for t in types):
        return
    data = {"order": webhook_order_data(order)}
    if from_status:
        data.update(from_status=from_status, to_status=to_status)
    for event_type in types:
        _deliveries_write(
            endpoints=[e for e in endpoints if event_type in e.events],
            event_type=event_type,
            data=data,
        )


def webhook_order_refunded(*, order: Order, amount) -> None:
    webhook_event_write(
        event_type=WebhookEvent.ORDER_REFUNDED,
        data={"order": webhook_order_data(order), "amount": _text(amount)},
    )


def webhook_product_low_stock(*, product: Product) -> None:
    webhook_event_write(
        event_type=WebhookEvent.PRODUCT_LOW_STOCK,
        data={
            "product": {
                "id": product.pk,
                "sku": product.sku,
                "name": product.name,
                "stock": product.stock,
                "low_stock_threshold": product.low_stock_threshold,
            }
        },
    )


@transaction.atomic
def webhook_test_send(*, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A test event to this endpoint alone, whatever it subscribes to."""
    (delivery,) = _deliveries_write(
        endpoints=[endpoint],
        event_type=WEBHOOK_TEST_EVENT,
        data={"message": f"A test event from {settings.SHOP_NAME}."},
    )
    return delivery


def webhook_delivery_resend(*, delivery: WebhookDelivery) -> bool:
    """Send a delivery again (delivered, failed or waiting) with the same event id, retried
    for another 24 hours; one being sent right now is left alone."""
    now = timezone.now()
    queued = (
        WebhookDelivery.objects.filter(pk=delivery.pk)
        .exclude(status=Status.SENDING)
        .update(status=Status.PENDING, next_attempt_at=None, give_up_at=now + WEBHOOK_RETRY_FOR)
    )
    if queued:
        transaction.on_commit(lambda: task_queue(WEBHOOK_SEND_TASK, delivery.pk), robust=True)
    return bool(queued)


# --- Sending -----------------------------------------------------------------------------


def webhook_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The Orderly-Signature header: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class _PinnedAdapter(HTTPAdapter):
    """Sends to the address that was checked, so a DNS answer that changes after the check
    cannot lead the request into our network; TLS still checks the certificate of (and
    sends SNI for) the host name."""

    def __init__(self, *, hostname: str):
        self.hostname = hostname
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs):
        kwargs.update(server_hostname=self.hostname, assert_hostname=self.hostname)
        super().init_poolmanager(*args, **kwargs)


@contextmanager
def _post(*, url: str, address: str | None, **kwargs) -> Iterator[requests.Response]:
    """POST to `url`, connecting to `address` when given (the one checked)."""
    with requests.Session() as session:
        session.trust_env = False  # no proxy or .netrc from the environment
        if address is not None:
            parts = urlsplit(url)
            host = f"[{address}]" if ":" in address else address
            url = parts._replace(netloc=f"{host}:{parts.port}" if parts.port else host).geturl()
            session.mount(f"{parts.scheme}://", _PinnedAdapter(hostname=parts.hostname))
            kwargs["headers"]["Host"] = parts.netloc
        with session.post(url, **kwargs) as response:
            yield response


def _attempt(delivery: WebhookDelivery) -> tuple[int | None, str, str]:
    """POST the event once: (status code or None, the reply's first 1 KB, the error)."""
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, cls=DjangoJSONEncoder, separators=(",", ":")).encode()
    try:
        address = webhook_url_check(url=endpoint.url)
    except WebhookURLRefused as error:
        return None, "", error.message
    timeout = settings.WEBHOOKS_TIMEOUT
    try:
        with _post(
            url=endpoint.url,
            address=address,
            data=body,
            headers={
                "Content-Type": "application/json",
                "User-Agent": f"Orderly-Webhooks ({settings.SHOP_NAME})",
                "Orderly-Event-Id": str(delivery.event_id),
                "Orderly-Signature": webhook_signature(
                    secret=endpoint.secret, timestamp=int(time.time()), body=body
                ),
            },
            timeout=(timeout, timeout),
            allow_redirects=False,
            stream=True,
        ) as response:
            reply = response.raw.read(RESPONSE_KEPT, decode_content=True)
            text = reply.decode(response.encoding or "utf-8", errors="replace")
            return response.status_code, text, ""
    except (requests.RequestException, OSError) as error:
        return None, "", f"{type(error).__name__}: {error}"[:2000]


def webhook_delivery_send(*, delivery_id: int, now: datetime | None = None) -> bool:
    """Make one attempt at a delivery that is due; True when this call delivered it."""
    now = now or timezone.now()
    # No join: Django would move every condition of an UPDATE with a join into a subquery,
    # which PostgreSQL does not check again once a concurrent claim commits.
    active = WebhookEndpoint.objects.filter(active=True).values("pk")
    claimed = (
        WebhookDelivery.objects.filter(pk=delivery_id, endpoint_id__in=active)
        .filter(Q(status=Status.PENDING) | Q(status=Status.RETRYING, next_attempt_at__lte=now))
        .update(status=Status.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    )
    if not claimed:
        return False
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    attempted_at = timezone.now()
    started = time.monotonic()
    code, reply, error = _attempt(delivery)
    delivery.last_duration_ms = int((time.monotonic() - started) * 1000)
    delivery.last_status_code = code
    delivery.last_response = reply
    delivery.last_error = error or ("" if code is None or 200 <= code < 300 else f"HTTP {code}")
    fields = ["status", "last_status_code", "last_duration_ms", "last_response", "last_error"]
    attempt = WebhookAttempt(
        delivery=delivery,
        attempted_at=attempted_at,
        status_code=code,
        duration_ms=delivery.last_duration_ms,
        response_excerpt=reply,
        error=delivery.last_error,
    )
    endpoint = WebhookEndpoint.objects.filter(pk=delivery.endpoint_id)
    if code is not None and 200 <= code < 300:
        delivery.status = Status.DELIVERED
        delivery.delivered_at = timezone.now()
        delivery.next_attempt_at = None
        with transaction.atomic():
            delivery.save(update_fields=[*fields, "delivered_at", "next_attempt_at"])
            attempt.save()
            endpoint.exclude(consecutive_failures=0).update(consecutive_failures=0)
        metrics.WEBHOOK_DELIVERIES.labels(Status.DELIVERED).inc()
        return True
    logger.warning(
        "Webhook delivery %s to endpoint %s failed (attempt %s): %s",
        delivery.pk,
        delivery.endpoint_id,
        delivery.attempts,
        delivery.last_error,
    )
    later = timezone.now()
    wait = min(WEBHOOK_FIRST_RETRY * 2 ** (delivery.attempts - 1), WEBHOOK_LONGEST_WAIT)
    if later >= delivery.give_up_at:
        delivery.status = Status.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.status = Status.RETRYING
        delivery.next_attempt_at = min(later + wait, delivery.give_up_at)
    with transaction.atomic():
        delivery.save(update_fields=[*fields, "next_attempt_at"])
        attempt.save()
        endpoint.update(consecutive_failures=F("consecutive_failures") + 1)
        _pause_if_failing(endpoint_id=delivery.endpoint_id, now=later)
    metrics.WEBHOOK_DELIVERIES.labels(delivery.status).inc()
    return False


def _pause_if_failing(*, endpoint_id: int, now: datetime) -> None:
    paused = WebhookEndpoint.objects.filter(
        pk=endpoint_id, active=True, consecutive_failures__gte=WEBHOOK_PAUSE_AFTER
    ).update(active=False, paused_at=now)
    if not paused:
        return
    endpoint = WebhookEndpoint.objects.get(pk=endpoint_id)
    for manager in users_with_permission(MANAGE_WEBHOOKS):
        notify(
            recipient=manager,
            kind=Kind.WEBHOOK_PAUSED,
            title=f"Webhook endpoint paused: {endpoint.url}"[:200],
            body=(
                f"{endpoint.url} failed {endpoint.consecutive_failures} times in a row, so "
                "Orderly stopped sending to it. Its events wait; turn it on again in admin "
                "once it answers, and they are sent."
            ),
            link=f"/admin/notifications/webhookendpoint/{endpoint.pk}/change/",
        )


def webhook_deliveries_queue_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """The sweep: queue deliveries still to send (lost by a broker or worker, or due for a
    retry) to active endpoints; one stuck "sending" past WEBHOOK_STUCK_AFTER is to send
    again. Returns how many were queued."""
    now = now or timezone.now()
    WebhookDelivery.objects.filter(
        status=Status.SENDING, claimed_at__lt=now - WEBHOOK_STUCK_AFTER
    ).update(status=Status.RETRYING, next_attempt_at=now)
    due = list(
        WebhookDelivery.objects.filter(endpoint__active=True)
        .filter(Q(status=Status.PENDING) | Q(status=Status.RETRYING, next_attempt_at__lte=now))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        task_queue(WEBHOOK_SEND_TASK, pk)
    return len(due)
