"""The cart's rules, as the services enforce them for the pages and the API alike."""

from datetime import timedelta

import pytest
from django.utils import timezone

from orders.errors import CartGone, CartLineNotFound, ProductUnavailable, QuantityInvalid
from orders.models import Cart, CartLine
from orders.services.cart import (
    GUEST_CART_MAX_AGE,
    cart_add,
    cart_add_for_user,
    cart_line_update,
    cart_merge,
)
from orders.tasks import delete_stale_guest_carts
from tests.concurrency import run_concurrently
from tests.factories import CartFactory, CartLineFactory, ProductFactory, UserFactory


def _quantities(cart):
    return dict(CartLine.objects.filter(cart=cart).values_list("product_id", "quantity"))


@pytest.mark.django_db
@pytest.mark.parametrize("quantity", [0, -1, 100, "3", 1.0, True, None])
def test_cart_add_refuses_a_quantity_outside_1_to_99(quantity):
    cart = CartFactory()
    product = ProductFactory()

    with pytest.raises(QuantityInvalid) as raised:
        cart_add(cart=cart, product_id=product.pk, quantity=quantity)

    assert raised.value.field == "quantity"
    assert _quantities(cart) == {}


@pytest.mark.django_db
def test_cart_add_refuses_an_inactive_or_unknown_product():
    cart = CartFactory()

    with pytest.raises(ProductUnavailable) as raised:
        cart_add(cart=cart, product_id=ProductFactory(is_active=False).pk, quantity=1)
    assert raised.value.field == "product"
    with pytest.raises(ProductUnavailable):
        cart_add(cart=cart, product_id=987654, quantity=1)
    assert _quantities(cart) == {}


@pytest.mark.django_db
def test_a_line_of_another_cart_is_not_found():
    mine = CartFactory()
    theirs = CartLineFactory(quantity=2)

    with pytest.raises(CartLineNotFound):
        cart_line_update(cart=mine, line_id=theirs.pk, quantity=5)
    theirs.refresh_from_db()
    assert theirs.quantity == 2


@pytest.mark.django_db
def test_merging_adds_quantities_caps_at_99_and_deletes_the_guest_cart():
    target = CartFactory(user=UserFactory())
    guest = CartFactory(user=None)
    both, capped, guest_only, user_only = ProductFactory.create_batch(4)
    CartLineFactory(cart=target, product=both, quantity=1)
    CartLineFactory(cart=target, product=capped, quantity=60)
    CartLineFactory(cart=target, product=user_only, quantity=7)
    CartLineFactory(cart=guest, product=both, quantity=2)
    CartLineFactory(cart=guest, product=capped, quantity=60)
    CartLineFactory(cart=guest, product=guest_only, quantity=4)

    cart_merge(source=guest, target=target)

    assert _quantities(target) == {both.pk: 3, capped.pk: 99, guest_only.pk: 4, user_only.pk: 7}
    assert not Cart.objects.filter(pk=guest.pk).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_adds_of_the_same_product_both_count():
    cart = CartFactory()
    product = ProductFactory()

    results = run_concurrently(
        lambda i: cart_add(cart=cart, product_id=product.pk, quantity=2), times=6
    )

    assert [r for r in results if isinstance(r, Exception)] == []
    assert _quantities(cart) == {product.pk: 12}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_first_adds_of_a_customer_with_no_cart_make_one_cart_holding_all():
    user = UserFactory()
    product = ProductFactory(stock=50)

    results = run_concurrently(
        lambda i: cart_add_for_user(user=user, product_id=product.pk, quantity=2), times=6
    )

    assert [r for r in results if isinstance(r, Exception)] == []
    (cart,) = Cart.objects.filter(user=user)
    assert _quantities(cart) == {product.pk: 12}


@pytest.mark.django_db
def test_a_first_add_makes_the_cart_and_a_refused_one_makes_nothing():
    user = UserFactory()
    with pytest.raises(ProductUnavailable):
        cart_add_for_user(user=user, product_id=987654, quantity=1)
    assert not Cart.objects.filter(user=user).exists()

    line = cart_add_for_user(user=user, product_id=ProductFactory().pk, quantity=3)
    assert Cart.objects.get(user=user) == line.cart
    assert _quantities(line.cart) == {line.product_id: 3}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_adds_never_pass_99():
    cart = CartFactory()
    product = ProductFactory(stock=500)

    results = run_concurrently(
        lambda i: cart_add(cart=cart, product_id=product.pk, quantity=40), times=4
    )

    refused = [r for r in results if isinstance(r, QuantityInvalid)]
    assert len(refused) == 2
    assert [r for r in results if isinstance(r, Exception) and r not in refused] == []
    assert _quantities(cart) == {product.pk: 80}


@pytest.mark.django_db
def test_adding_to_a_cart_merged_away_meanwhile_is_a_clear_conflict():
    guest = CartFactory(user=None)
    Cart.objects.filter(pk=guest.pk).delete()

    with pytest.raises(CartGone) as raised:
        cart_add(cart=guest, product_id=ProductFactory().pk, quantity=1)

    assert raised.value.status_code == 409


@pytest.mark.django_db
def test_stale_guest_carts_are_deleted_and_everything_else_kept():
    stale_guest = CartLineFactory(cart__user=None).cart
    fresh_guest = CartLineFactory(cart__user=None).cart
    old_customer_cart = CartLineFactory().cart
    long_ago = timezone.now() - GUEST_CART_MAX_AGE - timedelta(minutes=1)
    Cart.objects.filter(pk__in=[stale_guest.pk, old_customer_cart.pk]).update(updated_at=long_ago)

    assert delete_stale_guest_carts.delay().get() == 1

    assert set(Cart.objects.values_list("pk", flat=True)) == {fresh_guest.pk, old_customer_cart.pk}
