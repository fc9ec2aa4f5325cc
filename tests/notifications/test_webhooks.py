"""Outgoing webhooks, against a real receiver on loopback: signed, sent once, retried,
timed out, paused, and never sent into our own network."""

import hashlib
import hmac
import json
import socket
import threading
import time
from datetime import timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from prometheus_client import REGISTRY

from accounts.services import user_delete
from notifications.models import Kind, Notification, WebhookDelivery, WebhookEndpoint
from notifications.webhooks import (
    WEBHOOK_PAUSE_AFTER,
    webhook_deliveries_queue_due,
    webhook_delivery_resend,
    webhook_delivery_send,
    webhook_endpoint_create,
    webhook_test_send,
)
from orders.models import Order
from orders.services.refunds import order_refund
from orders.services.transitions import order_transition
from tests.concurrency import run_concurrently
from tests.factories import PASSWORD, ProductFactory, SlotFactory, UserFactory, place_order
from tests.payment_helpers import post_sandbox_webhook, sandbox_body, start_payment

pytestmark = pytest.mark.django_db

S = Order.Status
D = WebhookDelivery.Status
ALL_EVENTS = [
    "order.placed",
    "order.paid",
    "order.status_changed",
    "order.cancelled",
    "order.expired",
    "order.refunded",
    "product.low_stock",
]


def verify(secret: str, body: bytes, header: str, tolerance: int = 300) -> dict:
    """The receiver's check, as in the README."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    signed = parts["t"].encode() + b"." + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, parts["v1"]):
        raise ValueError("bad signature")
    if abs(time.time() - int(parts["t"])) > tolerance:
        raise ValueError("too old")
    return json.loads(body)


class Receiver:
    """An HTTP server on 127.0.0.1 that records each request and answers from `answers`
    (a status, "hang" or (status, body, headers)); the last answer repeats."""

    def __init__(self, answers=(200,)):
        self.answers = list(answers)
        self.requests = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                answer = receiver.answers[min(len(receiver.requests), len(receiver.answers)) - 1]
                if answer == "hang":
                    time.sleep(3)
                    return
                status, reply, headers = (
                    answer if isinstance(answer, tuple) else (answer, b"ok", {})
                )
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def events(self, endpoint):
        return [
            verify(endpoint.secret, body, headers["Orderly-Signature"])
            for headers, body in self.requests
        ]


@pytest.fixture
def loopback(settings):
    settings.WEBHOOKS_ALLOW_HTTP = True
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOKS_TIMEOUT = 0.5


@pytest.fixture
def receiver(loopback):
    made = []

    def make(answers=(200,)):
        made.append(Receiver(answers))
        return made[-1]

    yield make
    for server in made:
        server.close()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _attempts(result: str) -> float:
    return REGISTRY.get_sample_value("orderly_webhook_deliveries_total", {"result": result}) or 0.0


def _due_now():
    """The wait of every retrying delivery is over."""
    WebhookDelivery.objects.filter(status=D.RETRYING).update(next_attempt_at=timezone.now())


def _manager():
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="manager"))
    return type(user).objects.get(pk=user.pk)


def test_an_orders_life_reaches_the_receiver_signed_and_each_event_once(receiver, committed):
    server = receiver()
    endpoint = webhook_endpoint_create(url=server.url, events=ALL_EVENTS)
    with committed():
        order = place_order()
    for to in (S.PAID, S.PREPARING, S.READY, S.COMPLETED):
        with committed():
            order = order_transition(order=order, to=to, by=None)

    events = server.events(endpoint)
    assert [e["type"] for e in events] == [
        "order.placed",
        "order.status_changed",
        "order.paid",
        "order.status_changed",
        "order.status_changed",
        "order.status_changed",
    ]
    assert len({e["id"] for e in events}) == 6
    assert [h["Orderly-Event-Id"] for h, _ in server.requests] == [e["id"] for e in events]
    placed = events[0]
    assert set(placed) == {"id", "type", "created", "data"}
    assert placed["data"]["order"]["number"] == order.number
    assert placed["data"]["order"]["status"] == "pending_payment"
    assert placed["data"]["order"]["total"] == str(order.total)
    assert len(placed["data"]["order"]["lines"]) == 1
    assert events[-1]["data"]["to_status"] == "completed"
    assert not WebhookDelivery.objects.exclude(status=D.DELIVERED).exists()


def test_a_tampered_body_fails_the_receivers_check(receiver, committed):
    server = receiver()
    endpoint = webhook_endpoint_create(url=server.url, events=["order.placed"])
    with committed():
        place_order()
    headers, body = server.requests[0]
    with pytest.raises(ValueError, match="bad signature"):
        verify(endpoint.secret, body.replace(b"pending", b"paid"), headers["Orderly-Signature"])


def test_an_endpoint_hears_only_its_events_and_a_rolled_back_change_writes_none(
    receiver, committed
):
    server = receiver()
    webhook_endpoint_create(url=server.url, events=["order.cancelled"])
    order = place_order()
    assert not WebhookDelivery.objects.exists()
    with pytest.raises(RuntimeError), transaction.atomic():
        order_transition(order=order, to=S.CANCELLED, by=None)
        raise RuntimeError("the change fails after the event was written")
    assert not WebhookDelivery.objects.exists()
    with committed():
        order_transition(order=order, to=S.CANCELLED, by=None)
    assert list(WebhookDelivery.objects.values_list("event_type", flat=True)) == ["order.cancelled"]
    assert len(server.requests) == 1


def test_low_stock_is_an_event(receiver, committed):
    server = receiver()
    endpoint = webhook_endpoint_create(url=server.url, events=["product.low_stock"])
    product = ProductFactory(stock=3, low_stock_threshold=2)
    with committed():
        place_order(products=[product], quantity=2)
    (event,) = server.events(endpoint)
    assert event["type"] == "product.low_stock"
    assert event["data"]["product"]["sku"] == product.sku
    assert event["data"]["product"]["stock"] == 1


def test_the_task_run_twice_sends_once(receiver):
    server = receiver()
    webhook_endpoint_create(url=server.url, events=["order.placed"])
    place_order()  # no commit callbacks run: the task has not been queued yet
    delivery = WebhookDelivery.objects.get()
    assert webhook_delivery_send(delivery_id=delivery.pk) is True
    assert webhook_delivery_send(delivery_id=delivery.pk) is False
    assert len(server.requests) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_holding_the_same_delivery_send_it_once(receiver):
    server = receiver()
    webhook_endpoint_create(url=server.url, events=["order.placed"])
    place_order()  # committed: its task ran already; make it due again
    WebhookDelivery.objects.update(status=D.PENDING)
    server.requests.clear()
    delivery = WebhookDelivery.objects.get()
    results = run_concurrently(lambda i: webhook_delivery_send(delivery_id=delivery.pk), times=4)
    assert sorted(results) == [False, False, False, True]
    assert len(server.requests) == 1


def test_a_500_is_tried_again_after_the_wait_and_then_delivered(receiver, committed):
    retried = _attempts("retrying")
    delivered = _attempts("delivered")
    server = receiver([500, 200])
    endpoint = webhook_endpoint_create(url=server.url, events=["order.placed"])
    with committed():
        place_order()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == D.RETRYING
    assert delivery.last_status_code == 500
    assert delivery.attempts == 1
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=50)
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 1

    assert webhook_deliveries_queue_due() == 0  # not due yet
    _due_now()
    assert webhook_deliveries_queue_due() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (D.DELIVERED, 2, 200)
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0
    assert _attempts("retrying") == retried + 1
    assert _attempts("delivered") == delivered + 1
    first, second = (headers["Orderly-Event-Id"] for headers, _ in server.requests)
    assert first == second == str(delivery.event_id)


def test_every_attempt_is_logged_with_its_answer_and_time(receiver, committed):
    server = receiver([(500, b"down for a moment", {}), (200, b"x" * 5000, {})])
    webhook_endpoint_create(url=server.url, events=["order.placed"])
    with committed():
        place_order()
    _due_now()
    webhook_deliveries_queue_due()
    delivery = WebhookDelivery.objects.get()
    first, second = delivery.attempt_log.all()
    assert (first.status_code, first.response_excerpt, first.error) == (
        500,
        "down for a moment",
        "HTTP 500",
    )
    assert (second.status_code, second.response_excerpt, second.error) == (200, "x" * 1024, "")
    assert first.attempted_at < second.attempted_at
    assert first.duration_ms >= 0 and second.duration_ms == delivery.last_duration_ms


def test_the_wait_doubles_and_after_24_hours_the_delivery_fails(receiver, committed):
    server = receiver([503])
    webhook_endpoint_create(url=server.url, events=["order.placed"])
    with committed():
        place_order()
    delivery = WebhookDelivery.objects.get()
    waits = []
    for _ in range(3):
        waits.append(round((delivery.next_attempt_at - timezone.now()).total_seconds() / 60))
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        webhook_delivery_send(delivery_id=delivery.pk)
        delivery.refresh_from_db()
    assert waits == [1, 2, 4]
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now(), give_up_at=timezone.now()
    )
    webhook_delivery_send(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == D.FAILED
    assert delivery.next_attempt_at is None
    assert webhook_deliveries_queue_due(now=timezone.now() + timedelta(days=2)) == 0


def test_a_receiver_that_hangs_is_timed_out(receiver, committed):
    server = receiver(["hang"])
    webhook_endpoint_create(url=server.url, events=["order.placed"])
    started = time.monotonic()
    with committed():
        place_order()
    assert time.monotonic() - started < 2.5
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == D.RETRYING
    assert "Timeout" in delivery.last_error
    assert delivery.last_status_code is None
    (attempt,) = delivery.attempt_log.all()
    assert (attempt.status_code, attempt.error) == (None, delivery.last_error)
    assert attempt.duration_ms >= 400  # the 0.5 s read timeout


def test_a_refused_connection_is_an_attempt(receiver, committed):
    server = receiver()
    endpoint = webhook_endpoint_create(url=server.url, events=["order.placed"])
    server.close()
    with committed():
        place_order()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == D.RETRYING
    assert "ConnectionError" in delivery.last_error
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 1


def test_redirects_are_not_followed_and_only_1_kb_of_the_reply_is_kept(receiver, committed):
    target = receiver()
    server = receiver([(302, b"", {"Location": target.url}), (200, b"x" * 10_000, {})])
    webhook_endpoint_create(url=server.url, events=["order.placed"])
    with committed():
        place_order()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == D.RETRYING
    assert delivery.last_status_code == 302
    assert target.requests == []
    _due_now()
    webhook_deliveries_queue_due()
    delivery.refresh_from_db()
    assert delivery.status == D.DELIVERED
    assert delivery.last_response == "x" * 1024


def test_20_failures_in_a_row_pause_the_endpoint_tell_managers_and_it_then_gets_nothing(
    receiver, committed
):
    manager = _manager()
    server = receiver([500])
    endpoint = webhook_endpoint_create(url=server.url, events=["order.placed"])
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        consecutive_failures=WEBHOOK_PAUSE_AFTER - 1
    )
    with committed():
        place_order()
    endpoint.refresh_from_db()
    assert endpoint.active is False
    assert endpoint.paused_at is not None
    paused = Notification.objects.get(recipient=manager, kind=Kind.WEBHOOK_PAUSED)
    assert endpoint.url in paused.title

    with committed():
        place_order()
    assert WebhookDelivery.objects.count() == 1  # the paused endpoint hears no new event
    assert webhook_deliveries_queue_due(now=timezone.now() + timedelta(hours=1)) == 0
    delivery = WebhookDelivery.objects.get()
    assert (
        webhook_delivery_send(delivery_id=delivery.pk, now=timezone.now() + timedelta(hours=1))
        is False
    )
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hooks",
        "https://localhost/hooks",
        "https://10.1.2.3/hooks",
        "https://192.168.0.10/hooks",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hooks",
        "https://[::ffff:127.0.0.1]/hooks",
        "http://93.184.215.14/hooks",
        "ftp://93.184.215.14/hooks",
    ],
)
def test_ssrf_targets_are_refused_naming_the_url(api_client, settings, url):
    settings.WEBHOOKS_ALLOW_HTTP = False
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    api_client.force_authenticate(_manager())
    response = api_client.post(
        "/api/v1/webhooks/endpoints/", {"url": url, "events": ["order.placed"]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "url"
    assert not WebhookEndpoint.objects.exists()


def test_the_target_is_checked_again_when_sending(receiver, committed, settings):
    server = receiver()
    webhook_endpoint_create(url=server.url, events=["order.placed"])
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    with committed():
        place_order()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == D.RETRYING
    assert "private network" in delivery.last_error
    assert server.requests == []


def test_a_dns_answer_that_changes_after_the_check_does_not_reach_our_network(
    receiver, committed, settings, monkeypatch
):
    """The check sees a public address; a second look at the name would give loopback (DNS
    rebinding). The request goes to the address checked, never to the receiver."""
    server = receiver()
    real = socket.getaddrinfo
    answers = iter(["93.184.215.14"])

    def rebinding(host, *args, **kwargs):
        if host != "partner.example":
            return real(host, *args, **kwargs)
        address = next(answers, "127.0.0.1")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, args[0] if args else 0))]

    endpoint = webhook_endpoint_create(
        url=server.url.replace("127.0.0.1", "partner.example"), events=["order.placed"]
    )
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with committed():
        place_order()
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == D.RETRYING
    assert server.requests == []


def test_send_again_and_a_test_event(receiver, committed):
    server = receiver()
    endpoint = webhook_endpoint_create(url=server.url, events=["order.placed"])
    with committed():
        delivery = webhook_test_send(endpoint=endpoint)
    with committed():
        assert webhook_delivery_resend(delivery=delivery) is True
    events = server.events(endpoint)
    assert [e["type"] for e in events] == ["webhook.test", "webhook.test"]
    assert events[0]["id"] == events[1]["id"] == str(delivery.event_id)


# --- The API ---------------------------------------------------------------------------


ENDPOINTS = "/api/v1/webhooks/endpoints/"


def test_visitors_get_401_and_customers_and_staff_403(api_client):
    assert api_client.get(ENDPOINTS).status_code == 401
    api_client.force_authenticate(UserFactory())
    assert api_client.get(ENDPOINTS).status_code == 403
    staff = UserFactory(is_staff=True)
    staff.groups.add(Group.objects.get(name="staff"))
    api_client.force_authenticate(type(staff).objects.get(pk=staff.pk))
    assert api_client.get(ENDPOINTS).status_code == 403
    assert api_client.post(ENDPOINTS, {}, format="json").status_code == 403


def test_managers_keep_endpoints_and_see_the_secret_once(api_client, loopback):
    api_client.force_authenticate(_manager())
    created = api_client.post(
        ENDPOINTS,
        {"url": "https://partner.example/hooks", "events": ["order.paid", "order.placed"]},
        format="json",
    )
    assert created.status_code == 201
    body = created.json()
    assert body["secret"].startswith("whsec_")
    assert body["events"] == ["order.paid", "order.placed"]
    detail = f"{ENDPOINTS}{body['id']}/"
    assert "secret" not in api_client.get(detail).json()
    assert "secret" not in api_client.get(ENDPOINTS).json()["results"][0]

    rotated = api_client.post(f"{detail}rotate-secret/").json()
    assert rotated["secret"] != body["secret"]
    assert WebhookEndpoint.objects.get().secret == rotated["secret"]

    bad = api_client.patch(detail, {"events": ["order.eaten"]}, format="json")
    assert bad.status_code == 400
    assert bad.json()["field"] == "events.0"
    patched = api_client.patch(detail, {"active": False}, format="json")
    assert patched.json()["active"] is False
    assert api_client.delete(detail).status_code == 204
    assert not WebhookEndpoint.objects.exists()


def test_reactivating_a_paused_endpoint_forgets_its_failures(api_client, loopback):
    endpoint = webhook_endpoint_create(url="https://partner.example/", events=["order.paid"])
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        active=False, paused_at=timezone.now(), consecutive_failures=20
    )
    api_client.force_authenticate(_manager())
    body = api_client.patch(f"{ENDPOINTS}{endpoint.pk}/", {"active": True}, format="json").json()
    assert (body["active"], body["paused_at"], body["consecutive_failures"]) == (True, None, 0)


def test_the_delivery_log_is_a_fixed_number_of_queries(
    api_client, receiver, django_assert_num_queries
):
    server = receiver()
    endpoint = webhook_endpoint_create(url=server.url, events=["order.placed"])
    api_client.force_authenticate(_manager())
    url = f"{ENDPOINTS}{endpoint.pk}/deliveries/"
    for count in (1, 6):
        while WebhookDelivery.objects.count() < count:
            place_order()
        for delivery in WebhookDelivery.objects.filter(status=D.PENDING):
            webhook_delivery_send(delivery_id=delivery.pk)
        api_client.get(url)  # loads the manager's permissions, which the user object keeps
        with django_assert_num_queries(4):  # the endpoint, the count, the page, the attempts
            response = api_client.get(url)
        assert response.json()["count"] == count
    latest = response.json()["results"][0]
    assert latest["status"] == "delivered"
    assert [(a["status_code"], a["response_excerpt"]) for a in latest["attempts"]] == [(200, "ok")]
    assert api_client.get(f"{ENDPOINTS}999/deliveries/").status_code == 404


def test_a_refund_is_an_event_with_its_amount(receiver, committed, client):
    server = receiver()
    endpoint = webhook_endpoint_create(url=server.url, events=["order.refunded", "order.paid"])
    order = place_order()
    payment = start_payment(order)
    with committed():
        assert post_sandbox_webhook(client, sandbox_body(payment)).status_code == 200
    order.refresh_from_db()
    with committed():
        order_refund(order=order, by=_manager(), amount=Decimal("1.00"))
    events = server.events(endpoint)
    assert [e["type"] for e in events] == ["order.paid", "order.refunded"]
    assert events[1]["data"]["amount"] == "1.00"
    assert events[1]["data"]["order"]["refunded"] == "1.00"


# --- Admin -----------------------------------------------------------------------------


def test_managers_add_an_endpoint_in_admin_see_its_secret_once_and_send_a_test_event(
    client, receiver, committed
):
    server = receiver()
    client.force_login(_manager())
    response = client.post(
        "/admin/notifications/webhookendpoint/add/",
        {"url": server.url, "events": ["order.placed", "order.paid"], "active": "on"},
        follow=True,
    )
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["order.paid", "order.placed"]
    assert endpoint.secret in response.content.decode()
    page = client.get(f"/admin/notifications/webhookendpoint/{endpoint.pk}/change/")
    assert endpoint.secret not in page.content.decode()

    with committed():
        client.post(
            "/admin/notifications/webhookendpoint/",
            {"action": "send_test_event", "_selected_action": [endpoint.pk]},
        )
    assert [e["type"] for e in server.events(endpoint)] == ["webhook.test"]
    delivery = WebhookDelivery.objects.get()
    with committed():
        client.post(
            "/admin/notifications/webhookdelivery/",
            {"action": "send_again", "_selected_action": [delivery.pk]},
        )
    assert len(server.requests) == 2
    log = client.get(f"/admin/notifications/webhookendpoint/{endpoint.pk}/change/")
    assert "webhook.test" in log.content.decode()
    page = client.get(f"/admin/notifications/webhookdelivery/{delivery.pk}/change/")
    assert page.status_code == 200
    assert page.content.decode().count('<td class="field-status_code">') == 2


def test_admin_refuses_a_private_target_on_the_form(client, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    client.force_login(_manager())
    response = client.post(
        "/admin/notifications/webhookendpoint/add/",
        {"url": "https://127.0.0.1/hooks", "events": ["order.placed"], "active": "on"},
    )
    assert response.status_code == 200
    assert "private network" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


# --- Account deletion ------------------------------------------------------------------


def test_deleting_the_account_erases_the_address_from_its_orders_webhook_payloads(receiver):
    server = receiver()
    endpoint = webhook_endpoint_create(url=server.url, events=["order.placed", "order.cancelled"])
    order = place_order(slot=SlotFactory(kind="delivery"))
    other = place_order(slot=SlotFactory(kind="delivery"))
    order_transition(order=order, to=S.CANCELLED, by=order.user)
    assert WebhookDelivery.objects.filter(status=D.PENDING).count() == 3

    user_delete(user=order.user, password=PASSWORD)

    addresses = {
        (d.payload["data"]["order"]["number"], d.payload["data"]["order"]["delivery_address"])
        for d in WebhookDelivery.objects.all()
    }
    assert addresses == {(order.number, ""), (other.number, other.delivery_address)}
    assert other.delivery_address
    for delivery in WebhookDelivery.objects.filter(status=D.PENDING):
        webhook_delivery_send(delivery_id=delivery.pk)
    sent = sorted(
        (e["data"]["order"]["number"], e["type"], e["data"]["order"]["delivery_address"])
        for e in server.events(endpoint)
    )
    assert sent == sorted(
        [
            (order.number, "order.placed", ""),
            (order.number, "order.cancelled", ""),
            (other.number, "order.placed", other.delivery_address),
        ]
    )


def test_a_refused_endpoint_is_explained_in_german_with_the_same_code(api_client, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    api_client.force_authenticate(_manager())
    body = {"url": "https://127.0.0.1/hooks", "events": ["order.placed"]}

    english = api_client.post(ENDPOINTS, body, format="json")
    german = api_client.post(ENDPOINTS, body, format="json", HTTP_ACCEPT_LANGUAGE="de")

    assert english.status_code == german.status_code == 400
    assert english.json()["code"] == german.json()["code"] == "webhook_url_refused"
    assert "inside a private network" in english.json()["detail"]
    assert german.json()["detail"] == (
        "Der Host 127.0.0.1 liegt in einem privaten Netz; nur öffentliche Adressen sind erlaubt."
    )
    assert not WebhookEndpoint.objects.exists()
