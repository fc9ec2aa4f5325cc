"""Many customers checking out at the same moment, on PostgreSQL with real threads."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from orders.errors import CouponExhausted, OutOfStock, SlotFull
from orders.models import Cart, CartLine, Coupon, Order, OrderLine, Product, Slot
from orders.services.checkout import checkout_place
from tests.concurrency import run_concurrently
from tests.factories import (
    CartFactory,
    CartLineFactory,
    CouponFactory,
    ProductFactory,
    SlotFactory,
    UserFactory,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _customers_with(product_for, count):
    users = []
    for i in range(count):
        user = UserFactory()
        CartLineFactory(cart=CartFactory(user=user), product=product_for(i), quantity=1)
        users.append(user)
    return users


def _checkout(users, slot, coupon_code=""):
    def attempt(i):
        order, _ = checkout_place(
            user=users[i],
            slot_id=slot.pk,
            address_id=None,
            coupon_code=coupon_code,
            idempotency_key=f"race-{i}",
        )
        return order

    return run_concurrently(attempt, times=len(users))


def test_twenty_customers_racing_for_five_loaves_get_five_orders_and_fifteen_refusals():
    loaf = ProductFactory(name="Sourdough loaf", stock=5)
    users = _customers_with(lambda i: loaf, 20)
    slot = SlotFactory(kind="pickup", capacity=100)

    results = _checkout(users, slot)

    orders = [r for r in results if isinstance(r, Order)]
    refusals = [r for r in results if isinstance(r, OutOfStock)]
    assert len(orders) == 5, results
    assert len(refusals) == 15, results
    assert all("Sourdough loaf" in r.message for r in refusals)
    loaf.refresh_from_db()
    assert loaf.stock == 0
    assert Order.objects.count() == 5
    assert OrderLine.objects.filter(product=loaf).count() == 5
    assert Slot.objects.get().reserved == 5
    assert CartLine.objects.count() == 15  # the refused customers keep their carts


def test_ten_customers_racing_for_a_slot_of_one_place_get_one_order():
    users = _customers_with(lambda i: ProductFactory(stock=10), 10)
    slot = SlotFactory(kind="pickup", capacity=1)

    results = _checkout(users, slot)

    assert len([r for r in results if isinstance(r, Order)]) == 1, results
    assert len([r for r in results if isinstance(r, SlotFull)]) == 9, results
    assert Order.objects.count() == 1
    slot.refresh_from_db()
    assert slot.reserved == 1
    # The refused customers' stock is untouched.
    assert sorted(Product.objects.values_list("stock", flat=True)) == [9] + [10] * 9


def test_a_coupon_with_one_use_left_is_used_once_by_five_racing_customers():
    coupon = CouponFactory(code="LAST", kind="fixed", value=Decimal("1.00"), max_uses=3)
    Coupon.objects.filter(pk=coupon.pk).update(uses=2)
    users = _customers_with(lambda i: ProductFactory(stock=10), 5)
    slot = SlotFactory(kind="pickup", capacity=100)

    results = _checkout(users, slot, coupon_code="last")

    assert len([r for r in results if isinstance(r, Order)]) == 1, results
    assert len([r for r in results if isinstance(r, CouponExhausted)]) == 4, results
    coupon.refresh_from_db()
    assert coupon.uses == 3
    assert Order.objects.filter(coupon=coupon).count() == 1
    assert Slot.objects.get().reserved == 1


def test_the_same_idempotency_key_sent_five_times_at_once_creates_one_order():
    user = UserFactory()
    loaf = ProductFactory(stock=10)
    CartLineFactory(cart=CartFactory(user=user), product=loaf, quantity=2)
    slot = SlotFactory(kind="pickup", capacity=100)

    def send(i):
        client = APIClient()
        client.force_authenticate(user)
        response = client.post(
            "/api/v1/orders/",
            {"slot": slot.pk, "address": None},
            format="json",
            headers={"Idempotency-Key": "same-click"},
        )
        return response.status_code, response.json()

    results = run_concurrently(send, times=5)

    assert all(not isinstance(r, Exception) for r in results), results
    assert {status for status, _ in results} == {201}
    assert all(body == results[0][1] for _, body in results)
    assert Order.objects.count() == 1
    loaf.refresh_from_db()
    assert loaf.stock == 8
    assert Slot.objects.get().reserved == 1


def test_checkouts_mixed_with_overdue_orders_of_the_same_goods_never_deadlock():
    """A checkout once expired its customer's overdue orders inside its own transaction:
    it locked their products and slot before its cart, and a fresh checkout of the same
    products held them the other way round, so PostgreSQL killed one of the two."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from tests.factories import place_order

    first, second = ProductFactory(stock=500), ProductFactory(stock=500)
    old_slot, slot = (
        SlotFactory(kind="pickup", capacity=100),
        SlotFactory(kind="pickup", capacity=100),
    )
    users = [UserFactory() for _ in range(12)]
    overdue_of = {}
    for user in users[::2]:
        overdue_of[user.pk] = place_order(user=user, products=[second], slot=old_slot, quantity=3)
    long_ago = timezone.now() - settings.ORDER_PAYMENT_TIMEOUT - timedelta(minutes=1)
    Order.objects.filter(pk__in=[o.pk for o in overdue_of.values()]).update(placed_at=long_ago)
    for user in users:
        cart, _ = Cart.objects.get_or_create(user=user)
        CartLineFactory(cart=cart, product=first, quantity=1)
        CartLineFactory(cart=cart, product=second, quantity=1)

    results = _checkout(users, slot)

    assert all(isinstance(r, Order) for r in results), results
    assert set(
        Order.objects.filter(pk__in=[o.pk for o in overdue_of.values()]).values_list(
            "status", flat=True
        )
    ) == {Order.Status.EXPIRED}
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.stock, second.stock) == (500 - 12, 500 - 12)
