"""Paying on the website: the Pay button, the sandbox's payment page, and coming back."""

import pytest

from orders.models import Order, Payment
from tests.factories import UserFactory, place_order
from tests.payment_helpers import start_payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(client):
    order = place_order()
    client.force_login(order.user)
    return order


def test_the_order_page_has_a_pay_button_while_payment_is_due(client, order):
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert f'action="/orders/{order.number}/pay/"' in page
    assert f"Pay £{order.total}" in page


def test_the_pay_button_sends_the_customer_to_the_payment_page(client, order):
    response = client.post(f"/orders/{order.number}/pay/")
    payment = Payment.objects.get(order=order)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/payments/sandbox/{payment.reference}/?link=")


def test_the_sandbox_page_shows_the_order_its_lines_and_the_amount(client, order):
    payment = start_payment(order)
    page = client.get(f"/payments/sandbox/{payment.reference}/").content.decode()
    assert f"Order {order.number}" in page
    assert order.lines.get().product_name in page
    assert f"Pay £{order.total}" in page
    assert 'value="decline"' in page


def test_pressing_pay_marks_the_order_paid_and_lands_on_the_order_page(client, order):
    payment = start_payment(order)
    response = client.post(f"/payments/sandbox/{payment.reference}/", {"outcome": "pay"})

    assert response["Location"] == f"/orders/{order.number}/?payment=returned"
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    page = client.get(response["Location"]).content.decode()
    assert "Paid" in page
    assert "/pay/" not in page


def test_pressing_decline_leaves_the_order_waiting_with_a_pay_button(client, order):
    payment = start_payment(order)
    response = client.post(
        f"/payments/sandbox/{payment.reference}/", {"outcome": "decline"}, follow=True
    )
    page = response.content.decode()
    assert "You declined the payment" in page
    assert "did not go through" in page
    assert f'action="/orders/{order.number}/pay/"' in page
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT


def test_the_order_page_says_the_payment_is_being_confirmed_until_it_is(client, order):
    start_payment(order)
    page = client.get(f"/orders/{order.number}/?payment=returned").content.decode()
    assert "We are confirming your payment" in page
    assert 'hx-trigger="every 2s"' in page
    assert "/pay/" not in page


def test_a_finished_sandbox_payment_cannot_be_pressed_again(client, order):
    payment = start_payment(order)
    client.post(f"/payments/sandbox/{payment.reference}/", {"outcome": "decline"})
    page = client.get(f"/payments/sandbox/{payment.reference}/").content.decode()
    assert "This payment is failed" in page
    assert 'value="pay"' not in page

    response = client.post(
        f"/payments/sandbox/{payment.reference}/", {"outcome": "pay"}, follow=True
    )
    assert "already failed" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT


def test_someone_elses_payment_page_and_pay_button_are_404s(client, order):
    payment = start_payment(order)
    client.force_login(UserFactory())
    page = f"/payments/sandbox/{payment.reference}/"
    assert client.get(page).status_code == 404
    assert client.post(page, {"outcome": "pay"}).status_code == 404
    assert client.post(f"/orders/{order.number}/pay/").status_code == 404
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT


@pytest.mark.parametrize("outcome", ["", "refund", "pay\x00"])
def test_an_unknown_button_is_a_400(client, order, outcome):
    payment = start_payment(order)
    response = client.post(f"/payments/sandbox/{payment.reference}/", {"outcome": outcome})
    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_the_sandbox_page_is_gone_when_stripe_is_in_use(client, order, settings):
    payment = start_payment(order)
    settings.PAYMENT_PROVIDER = "stripe"
    assert client.get(f"/payments/sandbox/{payment.reference}/").status_code == 404


def test_paying_an_order_that_is_already_paid_says_so(client, order):
    payment = start_payment(order)
    client.post(f"/payments/sandbox/{payment.reference}/", {"outcome": "pay"})
    response = client.post(f"/orders/{order.number}/pay/", follow=True)
    assert "only an order waiting for payment can be paid" in response.content.decode()
    assert Payment.objects.filter(order=order).count() == 1


def test_an_app_with_only_a_token_pays_through_the_signed_link(client, order):
    from django.test import Client

    from tests.accounts.helpers import app_login
    from tests.factories import PASSWORD

    token = app_login(Client(), order.user.email, PASSWORD)
    reply = Client().post(f"/api/v1/orders/{order.number}/pay/", headers={"X-Session-Token": token})
    link = reply.json()["redirect_url"].removeprefix("http://testserver")

    browser = Client()  # the app's web view: no session, no sign-in
    page = browser.get(link)
    paid = browser.post(link, {"outcome": "pay"})

    assert page.status_code == 200
    assert f"Pay £{order.total}" in page.content.decode()
    assert paid.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


def test_a_forged_or_stale_link_opens_nothing_without_a_session(order, settings):
    from datetime import timedelta

    from django.test import Client

    from orders.payments.sandbox import sandbox_link

    payment = start_payment(order)
    other = start_payment(place_order())
    good = sandbox_link(payment.reference)
    forged = good.replace(payment.reference, other.reference, 1)
    browser = Client()

    assert browser.get(forged).status_code == 302  # to sign in
    assert browser.get(f"/payments/sandbox/{payment.reference}/").status_code == 302
    settings.ORDER_PAYMENT_TIMEOUT = timedelta(seconds=-1)
    stale = browser.get(good)
    assert stale.status_code == 302 and "/accounts/login/" in stale["Location"]
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT
