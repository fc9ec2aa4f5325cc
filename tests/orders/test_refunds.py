"""Money that cannot be kept goes back, a refund that keeps failing is given up and told, and
managers refund part of an order (lines or an amount) or all of it, which ends the order."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from notifications.models import Kind, Notification
from orders.errors import RefundInvalid, RefundNotAllowed
from orders.models import Order, Payment, Refund
from orders.payments.sandbox import SandboxProvider
from orders.selectors.staff import sales_by_day
from orders.services.payments import refunds_retry_due
from orders.services.refunds import order_refund
from orders.services.transitions import order_transition
from tests.factories import ProductFactory, SlotFactory, place_order
from tests.orders.staff_helpers import role_member
from tests.payment_helpers import post_sandbox_webhook, sandbox_body, start_payment

pytestmark = pytest.mark.django_db

S = Order.Status


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _paid_order(client, **kwargs):
    order = place_order(**kwargs)
    payment = start_payment(order)
    assert post_sandbox_webhook(client, sandbox_body(payment)).status_code == 200
    order.refresh_from_db()
    return order, payment


def _problems(user):
    return list(
        Notification.objects.filter(recipient=user, kind=Kind.PAYMENT_PROBLEM).values_list(
            "body", flat=True
        )
    )


# --- A payment of the wrong amount or currency --------------------------------------


@pytest.mark.parametrize(
    ("change", "value", "refunded"),
    [("amount", "0.01", Decimal("0.01")), ("currency", "EUR", None)],
)
def test_a_mismatched_payment_is_refunded_as_it_came_and_managers_are_told(
    client, after_commit, change, value, refunded
):
    manager = role_member("manager")
    order = place_order()
    payment = start_payment(order)

    with after_commit():
        response = post_sandbox_webhook(client, sandbox_body(payment, **{change: value}))

    assert response.json() == {"received": ["mismatch"]}
    refund = Refund.objects.get(payment=payment)
    assert refund.status == Refund.Status.SUCCEEDED
    assert refund.amount == (refunded or order.total)
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    assert (order.status, order.refunded) == (S.PENDING_PAYMENT, Decimal("0.00"))
    [problem] = _problems(manager)
    assert order.number in problem and "being refunded" in problem


# --- A refund that keeps failing ------------------------------------------------------


def test_a_refund_failing_with_any_error_counts_each_attempt_backs_off_then_gives_up(
    client, monkeypatch, after_commit, settings
):
    settings.REFUND_MAX_ATTEMPTS = 3
    manager = role_member("manager")
    order, _ = _paid_order(client)

    def broken(self, *, payment, amount, key):
        raise KeyError("payment_intent")

    monkeypatch.setattr(SandboxProvider, "refund", broken)
    start = timezone.now()
    with after_commit():
        order_refund(order=order, by=manager)

    refund = Refund.objects.get()
    assert (refund.status, refund.attempts) == (Refund.Status.FAILED, 1)
    assert "KeyError" in refund.last_error
    first_wait = refund.next_attempt_at - start
    assert timedelta(seconds=55) < first_wait < timedelta(seconds=70)
    assert refunds_retry_due(now=start + timedelta(seconds=30)) == 0  # not due yet

    refunds_retry_due(now=start + timedelta(minutes=2))
    refund.refresh_from_db()
    assert (refund.status, refund.attempts) == (Refund.Status.FAILED, 2)
    second_wait = refund.next_attempt_at - (start + timedelta(minutes=2))
    assert second_wait == timedelta(minutes=2)  # doubled
    assert not _problems(manager)

    refunds_retry_due(now=start + timedelta(minutes=10))
    refund.refresh_from_db()
    assert (refund.status, refund.attempts) == (Refund.Status.GAVE_UP, 3)
    assert refund.next_attempt_at is None
    [problem] = _problems(manager)
    assert f"order {order.number} failed 3 times and was given up" in problem
    refunds_retry_due(now=start + timedelta(days=2))
    refund.refresh_from_db()
    assert refund.attempts == 3


# --- Partial and full refunds by managers -----------------------------------------------


def test_a_manager_refunds_one_line_and_the_order_page_figures_and_email_show_it(
    client, after_commit, mailoutbox
):
    loaf = ProductFactory(name="Rye loaf", price=Decimal("4.00"))
    bun = ProductFactory(name="Bun", price=Decimal("1.00"))
    order, payment = _paid_order(client, products=[loaf, bun], quantity=2)  # 8.00 + 2.00
    manager = role_member("manager")
    loaf_line = order.lines.get(product=loaf)
    today = timezone.localdate()
    before = sales_by_day(today=today, days=1)[0].total

    with after_commit():
        [refund] = order_refund(order=order, by=manager, lines={loaf_line.pk: 1})

    refund.refresh_from_db()
    assert (refund.amount, refund.status) == (Decimal("4.00"), Refund.Status.SUCCEEDED)
    order.refresh_from_db()
    assert (order.status, order.refunded) == (S.PAID, Decimal("4.00"))
    assert sales_by_day(today=today, days=1)[0].total == before - Decimal("4.00")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED  # 6.00 of it is kept
    client.force_login(order.user)
    page = client.get(order.get_absolute_url()).content.decode()
    assert "£4.00 for 1 &times; Rye loaf: refunded" in page
    refund_mail = next(m for m in mailoutbox if "Refund for order" in m.subject)
    assert "We refunded £4.00 for 1 x Rye loaf (part of the £10.00 you paid)" in refund_mail.body

    with pytest.raises(RefundInvalid) as twice:
        order_refund(order=order, by=manager, lines={loaf_line.pk: 2})
    assert twice.value.field == "lines"
    assert "between 1 and 1" in twice.value.message


def test_more_than_is_left_is_refused_naming_the_amount_and_changes_nothing(client):
    order, _ = _paid_order(client)
    manager = role_member("manager")
    order_refund(order=order, by=manager, amount=Decimal("1.00"))

    with pytest.raises(RefundInvalid) as refused:
        order_refund(order=order, by=manager, amount=order.total)

    assert refused.value.field == "amount"
    assert refused.value.status_code == 400
    assert f"{order.total - Decimal('1.00')}" in refused.value.message
    assert Refund.objects.count() == 1


def test_refunding_what_is_left_ends_the_order_and_takes_it_off_the_board_and_figures(
    client, after_commit
):
    order, _ = _paid_order(client)
    manager = role_member("manager")
    order_transition(order=order, to=S.PREPARING, by=manager)
    today = timezone.localdate()
    order_refund(order=order, by=manager, amount=Decimal("1.00"))

    with after_commit():
        order_refund(order=order, by=manager)

    order.refresh_from_db()
    assert (order.status, order.refunded) == (S.CANCELLED, order.total)
    assert sum(r.amount for r in Refund.objects.all()) == order.total
    assert sales_by_day(today=today, days=1)[0].total == Decimal("0.00")
    with pytest.raises(RefundNotAllowed):
        order_refund(order=order, by=manager)


def test_a_completed_order_refunded_in_full_ends_refunded(client):
    order, _ = _paid_order(client)
    manager = role_member("manager")
    for to in (S.PREPARING, S.READY, S.COMPLETED):
        order_transition(order=order, to=to, by=manager)

    order_refund(order=order, by=manager)

    order.refresh_from_db()
    assert order.status == S.REFUNDED
    assert order.events.last().note == f"Refunded in full by {manager.email}."


def test_the_admin_refunds_part_of_an_order_after_a_confirmation_page(client):
    loaf = ProductFactory(name="Rye loaf", price=Decimal("4.00"))
    order, _ = _paid_order(client, products=[loaf], quantity=3)
    line = order.lines.get()
    client.force_login(role_member("manager"))
    url = f"/admin/orders/order/{order.pk}/refund/"

    chosen = client.post(
        "/admin/orders/order/", {"action": "refund_part", "_selected_action": [order.pk]}
    )
    assert chosen.status_code == 302 and chosen.url == url
    too_much = client.post(url, {"amount": "99.00"})
    assert "Amount: Refund between 0.01 and 12.00" in too_much.content.decode()
    review = client.post(url, {f"line-{line.pk}": "2", "reason": "Two were burnt"})
    assert "Yes, refund £8.00" in review.content.decode()
    assert not Refund.objects.exists()
    done = client.post(
        url, {f"line-{line.pk}": "2", "reason": "Two were burnt", "confirmed": "yes"}
    )

    assert done.status_code == 302
    refund = Refund.objects.get()
    assert (refund.amount, refund.reason) == (Decimal("8.00"), "Two were burnt")
    export = client.get("/admin/orders/order/export.csv")
    rows = b"".join(export.streaming_content).decode().splitlines()
    header = rows[0].split(",")
    values = dict(zip(header, rows[1].split(","), strict=True))
    assert values["refunded"] == "8.00"


def test_staff_cannot_open_the_refund_page(client):
    order, _ = _paid_order(client)
    client.force_login(role_member("staff"))
    assert client.get(f"/admin/orders/order/{order.pk}/refund/").status_code == 403


def test_the_api_refunds_lines_or_an_amount_and_names_the_field_it_refuses(client, api_client):
    loaf = ProductFactory(name="Rye loaf", price=Decimal("4.00"))
    order, _ = _paid_order(client, products=[loaf], quantity=3)
    url = f"/api/v1/orders/{order.number}/refund/"

    api_client.force_authenticate(role_member("staff"))  # orders.policy: the service's 409
    assert api_client.post(url, {"amount": "1.00"}, format="json").status_code == 409
    api_client.force_authenticate(role_member("manager"))
    line_id = api_client.get(f"/api/v1/orders/{order.number}/").json()["lines"][0]["id"]
    too_much = api_client.post(url, {"amount": "12.01"}, format="json")
    not_a_number = api_client.post(url, {"amount": "NaN"}, format="json")
    one_loaf = api_client.post(url, {"lines": [{"line": line_id, "quantity": 1}]}, format="json")
    rest = api_client.post(url, {}, format="json")
    nothing_left = api_client.post(url, {}, format="json")

    assert (too_much.status_code, too_much.json()["field"]) == (400, "amount")
    assert not_a_number.status_code == 400
    assert one_loaf.status_code == 200
    assert (one_loaf.json()["refunded"], one_loaf.json()["status"]) == ("4.00", S.PAID)
    assert (rest.json()["refunded"], rest.json()["status"]) == ("12.00", S.CANCELLED)
    assert nothing_left.status_code == 409
    assert sum(r.amount for r in Refund.objects.all()) == Decimal("12.00")


def test_an_order_out_for_delivery_refunded_in_full_is_no_longer_offered_on_the_board(client):
    slot = SlotFactory(
        kind="delivery",
        starts_at=timezone.now() + timedelta(hours=3),
        ends_at=timezone.now() + timedelta(hours=5),
    )
    order, _ = _paid_order(client, slot=slot)
    staff, manager = role_member("staff"), role_member("manager")
    order_transition(order=order, to=S.PREPARING, by=staff)
    order_transition(order=order, to=S.OUT_FOR_DELIVERY, by=staff)
    client.force_login(staff)
    day = timezone.localdate(slot.starts_at).isoformat()
    assert "Mark completed" in client.get(f"/staff/board/?date={day}").content.decode()

    order_refund(order=order, by=manager)

    board = client.get(f"/staff/board/?date={day}").content.decode()
    assert "Mark completed" not in board
    order.refresh_from_db()
    assert order.status == S.CANCELLED


def test_a_manager_who_chose_german_refunds_in_german_and_the_api_keeps_its_codes(
    client, api_client
):
    loaf = ProductFactory(name="Rye loaf", price=Decimal("4.00"))
    order, _ = _paid_order(client, products=[loaf], quantity=3)
    line = order.lines.get()
    client.force_login(role_member("manager"))
    url = f"/admin/orders/order/{order.pk}/refund/"
    german = {"HTTP_ACCEPT_LANGUAGE": "de"}

    form = client.get(url, **german).content.decode()
    both = client.post(url, {f"line-{line.pk}": "1", "amount": "1.00"}, **german)
    too_much = client.post(url, {"amount": "99.00"}, **german)
    review = client.post(url, {f"line-{line.pk}": "2"}, **german)
    api_client.force_authenticate(role_member("manager"))
    api_url, too_much_json = f"/api/v1/orders/{order.number}/refund/", {"amount": "99"}
    english_api = api_client.post(api_url, too_much_json, format="json")
    german_api = api_client.post(api_url, too_much_json, format="json", HTTP_ACCEPT_LANGUAGE="de")

    assert "Positionen oder einen Betrag wählen" in form and "Erstattung prüfen" in form
    assert "Choose lines, or an amount" not in form
    assert "Betrag: Wählen Sie Positionen oder einen Betrag, nicht beides." in both.content.decode()
    assert "Betrag: Erstatten Sie zwischen 0.01 und 12.00" in too_much.content.decode()
    assert "Ja, " in review.content.decode() and "Yes, refund" not in review.content.decode()
    assert not Refund.objects.exists()
    assert english_api.json()["code"] == german_api.json()["code"] == "refund_invalid"
    assert english_api.json()["detail"].startswith("Refund between 0.01 and 12.00")
    assert german_api.json()["detail"].startswith("Erstatten Sie zwischen 0.01 und 12.00")
