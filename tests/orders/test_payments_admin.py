"""Payments in admin: shown on the order, read-only, and refunded by managers only."""

import pytest

from accounts.services import user_role_assign
from orders.models import Payment, Refund
from tests.factories import UserFactory, place_order
from tests.payment_helpers import post_sandbox_webhook, sandbox_body, start_payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_order(client):
    order = place_order()
    payment = start_payment(order)
    post_sandbox_webhook(client, sandbox_body(payment))
    order.refresh_from_db()
    return order


def _member(client, role):
    member = UserFactory(is_staff=True)
    user_role_assign(user=member, role=role)
    client.force_login(member)
    return member


@pytest.mark.parametrize("role", ["staff", "manager"])
def test_the_order_page_in_admin_shows_its_payments_read_only(client, paid_order, role):
    _member(client, role)
    payment = paid_order.payments.get()
    page = client.get(f"/admin/orders/order/{paid_order.pk}/change/")
    assert page.status_code == 200
    assert payment.reference.encode() in page.content
    assert b"Succeeded" in page.content
    assert client.get(f"/admin/orders/payment/{payment.pk}/change/").status_code == 200
    assert client.post(f"/admin/orders/payment/{payment.pk}/change/", {}).status_code == 403


def test_a_mismatched_payment_is_listed_for_staff(client):
    order = place_order()
    payment = start_payment(order)
    post_sandbox_webhook(client, sandbox_body(payment, amount="0.01"))
    _member(client, "staff")
    page = client.get("/admin/orders/payment/?status__exact=mismatch")
    assert page.status_code == 200
    assert payment.reference.encode() in page.content


def test_a_manager_refunds_from_the_order_list_after_confirming(
    client, paid_order, django_capture_on_commit_callbacks
):
    _member(client, "manager")
    form = {"action": "refund", "_selected_action": [paid_order.pk]}

    confirm = client.post("/admin/orders/order/", form)
    assert confirm.status_code == 200
    assert b"Yes, refund" in confirm.content
    assert paid_order.number.encode() in confirm.content
    assert not Refund.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/admin/orders/order/", {**form, "confirmed": "yes"}, follow=True)

    assert b"Refund started for 1 order." in done.content
    refund = Refund.objects.get()
    assert refund.status == Refund.Status.SUCCEEDED
    assert refund.payment.status == Payment.Status.REFUNDED


def test_staff_have_no_refund_action(client, paid_order):
    _member(client, "staff")
    page = client.get("/admin/orders/order/")
    assert b'value="refund"' not in page.content
    client.post(
        "/admin/orders/order/",
        {"action": "refund", "_selected_action": [paid_order.pk], "confirmed": "yes"},
    )
    assert not Refund.objects.exists()


def test_refunding_an_unpaid_order_in_admin_says_why_and_changes_nothing(client):
    order = place_order()
    _member(client, "manager")
    response = client.post(
        "/admin/orders/order/",
        {"action": "refund", "_selected_action": [order.pk], "confirmed": "yes"},
        follow=True,
    )
    assert b"has no payment to refund" in response.content
    assert not Refund.objects.exists()
