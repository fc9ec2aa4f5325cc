"""An order whose total is 0.00 (a 100% coupon) needs no payment: it is paid at checkout,
cancelling it refunds nothing, and a payment that arrives for it anyway is no 500."""

from decimal import Decimal

import pytest

from orders.models import Order, OrderEvent, Payment, Refund
from orders.services.transitions import order_cancel, order_transition
from tests.factories import CouponFactory, OrderFactory, fulfilment_staff, place_order
from tests.payment_helpers import post_sandbox_webhook, sandbox_body

pytestmark = pytest.mark.django_db

S = Order.Status


@pytest.fixture
def free_order():
    coupon = CouponFactory(code="FREE", kind="percent", value=Decimal("100"))
    return place_order(coupon_code=coupon.code)


def test_a_zero_total_order_is_paid_at_checkout_with_no_payment(free_order):
    assert free_order.total == Decimal("0.00")
    assert free_order.status == S.PAID
    assert free_order.paid_at is not None
    assert not Payment.objects.exists()
    assert list(free_order.events.values_list("to_status", "note")) == [
        (S.PENDING_PAYMENT, "Order placed."),
        (S.PAID, "Nothing to pay: paid at checkout."),
    ]


def test_the_checkout_page_sends_the_buyer_to_the_paid_order_not_to_a_payment(client):
    coupon = CouponFactory(code="FREE", kind="percent", value=Decimal("100"))
    order = place_order(coupon_code=coupon.code)
    client.force_login(order.user)

    response = client.post(f"/orders/{order.number}/pay/")

    assert response.status_code == 302
    assert response.url == order.get_absolute_url()
    assert not Payment.objects.exists()


@pytest.mark.parametrize("who", ["customer", "staff"])
def test_cancelling_a_paid_zero_total_order_refunds_nothing_and_is_no_500(
    free_order, who, api_client
):
    actor = free_order.user if who == "customer" else fulfilment_staff()
    api_client.force_authenticate(actor)

    response = api_client.post(f"/api/v1/orders/{free_order.number}/cancel/", {}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == S.CANCELLED
    assert not Refund.objects.exists()


def test_a_zero_payment_of_an_older_zero_total_order_cancels_without_a_refund_row():
    order = OrderFactory(total=Decimal("0.00"), subtotal=Decimal("0.00"), currency="GBP")
    Payment.objects.create(
        order=order, provider="sandbox", amount=Decimal("0.00"), currency="GBP", status="succeeded"
    )
    order_transition(order=order, to=S.PAID, by=None)

    order_cancel(order=order, by=order.user)

    assert Order.objects.get(pk=order.pk).status == S.CANCELLED
    assert not Refund.objects.exists()


def test_a_late_zero_payment_for_an_expired_zero_total_order_is_no_500(client):
    order = OrderFactory(total=Decimal("0.00"), subtotal=Decimal("0.00"), currency="GBP")
    payment = Payment.objects.create(
        order=order,
        provider="sandbox",
        reference="sbx_free",
        amount=Decimal("0.00"),
        currency="GBP",
    )
    order_transition(order=order, to=S.EXPIRED, by=None)

    first = post_sandbox_webhook(client, sandbox_body(payment, event_id="evt_free"))
    retried = post_sandbox_webhook(client, sandbox_body(payment, event_id="evt_free"))

    assert first.status_code == retried.status_code == 200
    assert first.json() == {"received": ["refunded"]}
    assert not Refund.objects.exists()
    assert OrderEvent.objects.filter(order=order).last().to_status == S.EXPIRED
