"""Cancelling or expiring an order gives its coupon use back, once, with its stock and slot."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.errors import CancelNotAllowed, CouponExhausted
from orders.models import Coupon, Order
from orders.services.transitions import order_cancel, orders_expire_unpaid
from tests.factories import CouponFactory, place_order

pytestmark = pytest.mark.django_db


def test_five_place_then_cancel_rounds_leave_a_five_use_coupon_unused():
    coupon = CouponFactory(code="FIVE", max_uses=5, value=Decimal("10"))
    for _ in range(5):
        order = place_order(coupon_code="FIVE")
        order_cancel(order=order, by=order.user)

    coupon.refresh_from_db()
    assert coupon.uses == 0
    assert place_order(coupon_code="FIVE").coupon_id == coupon.pk


def test_an_expired_order_gives_its_coupon_use_back_and_a_second_cancel_gives_nothing():
    coupon = CouponFactory(code="ONCE", max_uses=1)
    order = place_order(coupon_code="ONCE")
    with pytest.raises(CouponExhausted):
        place_order(coupon_code="ONCE")

    assert orders_expire_unpaid(now=timezone.now() + timedelta(hours=1)) == 1
    with pytest.raises(CancelNotAllowed):
        order_cancel(order=order, by=order.user)

    assert Coupon.objects.get(pk=coupon.pk).uses == 0
    assert Order.objects.get(pk=order.pk).status == Order.Status.EXPIRED
