"""Two lines of one product (different options) share its stock, also when buyers race."""

import pytest

from orders.errors import OutOfStock
from orders.models import CartLine, Order, OrderLine, Product
from orders.services.checkout import checkout_place
from tests.concurrency import run_concurrently
from tests.factories import (
    CartFactory,
    CartLineFactory,
    OptionChoiceFactory,
    OptionGroupFactory,
    ProductFactory,
    SlotFactory,
    UserFactory,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_buyers_racing_for_the_last_loaves_through_sliced_and_whole_lines_never_oversell():
    loaf = ProductFactory(name="Sourdough loaf", stock=5)
    slicing = OptionGroupFactory(product=loaf, name="Slicing")
    whole, sliced = (OptionChoiceFactory(group=slicing, name=n) for n in ("Whole", "Sliced"))
    slot = SlotFactory(kind="pickup", capacity=100)
    # Eight buyers, each wanting 2 sliced and 1 whole: 3 loaves from two lines each.
    users = []
    for _ in range(8):
        user = UserFactory()
        cart = CartFactory(user=user)
        CartLineFactory(cart=cart, product=loaf, quantity=2, choices_key=str(sliced.pk))
        CartLineFactory(cart=cart, product=loaf, quantity=1, choices_key=str(whole.pk))
        users.append(user)

    def attempt(i):
        order, _ = checkout_place(
            user=users[i], slot_id=slot.pk, address_id=None, idempotency_key=f"race-{i}"
        )
        return order

    results = run_concurrently(attempt, times=len(users))

    orders = [r for r in results if isinstance(r, Order)]
    refusals = [r for r in results if isinstance(r, OutOfStock)]
    assert len(orders) == 1, results
    assert len(refusals) == 7, results
    assert Product.objects.get(pk=loaf.pk).stock == 2
    assert sorted(OrderLine.objects.values_list("quantity", flat=True)) == [1, 2]
    assert CartLine.objects.count() == 14  # the refused buyers keep both lines
