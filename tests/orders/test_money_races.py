"""Money under races, on PostgreSQL with real threads: coupon uses given back once, refunds
never above what was paid, a replayed checkout and Pay start one payment."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.errors import CancelNotAllowed, CouponExhausted, RefundInvalid
from orders.models import Order, Payment, Refund
from orders.payments import ProviderEvent
from orders.services.checkout import checkout_place
from orders.services.payments import payment_apply_event, payment_start
from orders.services.refunds import order_refund
from orders.services.transitions import order_cancel, orders_expire_unpaid
from tests.concurrency import run_concurrently
from tests.factories import (
    CartFactory,
    CartLineFactory,
    CouponFactory,
    ProductFactory,
    SlotFactory,
    UserFactory,
    place_order,
)
from tests.orders.staff_helpers import role_member

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

S = Order.Status


def test_cancels_expiry_and_checkouts_racing_on_a_coupon_give_each_use_back_once():
    coupon = CouponFactory(code="RACE", max_uses=5)
    slot = SlotFactory(kind="pickup", capacity=100)
    bread = ProductFactory(stock=100)
    placed = [place_order(products=[bread], slot=slot, coupon_code="RACE") for _ in range(5)]
    Order.objects.filter(pk__in=[o.pk for o in placed]).update(
        placed_at=timezone.now() - timedelta(hours=1)
    )
    newcomers = []
    for _ in range(5):
        user = UserFactory()
        CartLineFactory(cart=CartFactory(user=user), product=bread, quantity=1)
        newcomers.append(user)

    def act(i):
        if i < 5:
            return order_cancel(order=placed[i], by=placed[i].user)
        if i < 10:
            return orders_expire_unpaid()
        order, _ = checkout_place(
            user=newcomers[i - 10],
            slot_id=slot.pk,
            address_id=None,
            coupon_code="RACE",
            idempotency_key=f"race-{i}",
        )
        return order

    results = run_concurrently(act, times=15)

    unexpected = [
        r
        for r in results
        if isinstance(r, Exception) and not isinstance(r, (CancelNotAllowed, CouponExhausted))
    ]
    assert not unexpected, results
    assert (
        not Order.objects.filter(pk__in=[o.pk for o in placed])
        .exclude(status__in=[S.CANCELLED, S.EXPIRED])
        .exists()
    )
    holding = Order.objects.filter(coupon=coupon, status=S.PENDING_PAYMENT).count()
    coupon.refresh_from_db()
    assert coupon.uses == holding
    bread.refresh_from_db()
    assert bread.stock == 100 - holding


def _paid(order):
    payment = Payment.objects.create(
        order=order,
        provider="sandbox",
        reference=f"sbx_{order.pk}",
        amount=order.total,
        currency="GBP",
    )
    payment_apply_event(
        provider="sandbox",
        event=ProviderEvent(
            id=f"evt_{order.pk}",
            type="payment.succeeded",
            kind=ProviderEvent.SUCCEEDED,
            reference=payment.reference,
            amount=order.total,
            currency="GBP",
        ),
    )
    return Order.objects.get(pk=order.pk)


def test_six_managers_refunding_at_once_never_give_back_more_than_was_paid():
    order = _paid(place_order(products=[ProductFactory(price=Decimal("10.00"))]))
    manager = role_member("manager")

    results = run_concurrently(
        lambda i: order_refund(order=order, by=manager, amount=Decimal("4.00")), times=6
    )

    done = [r for r in results if isinstance(r, list)]
    refused = [r for r in results if isinstance(r, RefundInvalid)]
    assert (len(done), len(refused)) == (2, 4), results
    assert all(r.field == "amount" for r in refused)
    order.refresh_from_db()
    assert order.refunded == Decimal("8.00")
    assert sum(r.amount for r in Refund.objects.all()) == Decimal("8.00")


def test_a_checkout_and_pay_replayed_eight_times_at_once_make_one_order_and_one_payment():
    user = UserFactory()
    CartLineFactory(cart=CartFactory(user=user), product=ProductFactory(), quantity=1)
    slot = SlotFactory(kind="pickup")

    def replay(i):
        order, _ = checkout_place(
            user=user, slot_id=slot.pk, address_id=None, idempotency_key="double-click"
        )
        return payment_start(order=order, by=user, return_url="http://testserver/back/")

    results = run_concurrently(replay, times=8)

    order = Order.objects.get()
    payment = Payment.objects.get(order=order)
    assert set(results) == {payment.redirect_url}, results
    assert payment.redirect_url.startswith(f"/payments/sandbox/{payment.reference}/?link=")
