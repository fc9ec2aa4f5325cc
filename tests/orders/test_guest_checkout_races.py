"""Guest checkouts at the same moment, on PostgreSQL with real threads: a guest has no user
row to lock, so their checkouts queue on a lock of their email (orders.services.locks)."""

import pytest

from orders.errors import TooManyOpenOrders
from orders.models import Cart, CheckoutRequest, Order, Product, Slot
from orders.services.checkout import checkout_place_as_guest
from tests.concurrency import run_concurrently
from tests.factories import CartLineFactory, ProductFactory, SlotFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

EMAIL = "sam@example.com"


@pytest.fixture(autouse=True)
def guest_checkout_on(settings):
    settings.GUEST_CHECKOUT = True


def _guest_cart(product):
    cart = Cart.objects.create(user=None)
    CartLineFactory(cart=cart, product=product, quantity=1)
    return cart


def _place(*, cart, slot, key, email=EMAIL):
    order, _ = checkout_place_as_guest(
        cart_id=cart.pk,
        email=email,
        name="Sam Baker",
        phone="+442079460000",
        address=None,
        slot_id=slot.pk,
        idempotency_key=key,
    )
    return order


def test_two_guest_checkouts_with_the_same_key_place_one_order():
    loaf = ProductFactory(stock=10)
    slot = SlotFactory(kind="pickup", capacity=10)
    cart = _guest_cart(loaf)

    results = run_concurrently(lambda i: _place(cart=cart, slot=slot, key="double-click"), times=2)

    assert all(isinstance(r, Order) for r in results), results
    assert results[0].pk == results[1].pk
    assert Order.objects.count() == 1
    assert CheckoutRequest.objects.count() == 1
    assert Product.objects.get().stock == 9
    assert Slot.objects.get().reserved == 1


def test_the_open_order_limit_of_one_email_holds_under_a_race(settings):
    settings.MAX_OPEN_ORDERS = 1
    loaf = ProductFactory(stock=10)
    slot = SlotFactory(kind="pickup", capacity=10)
    carts = [_guest_cart(loaf) for _ in range(4)]

    results = run_concurrently(
        lambda i: _place(cart=carts[i], slot=slot, key=f"key-{i}", email=EMAIL.upper()), times=4
    )

    assert len([r for r in results if isinstance(r, Order)]) == 1, results
    assert len([r for r in results if isinstance(r, TooManyOpenOrders)]) == 3, results
    assert Order.objects.count() == 1
    assert Product.objects.get().stock == 9
