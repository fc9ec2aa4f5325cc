"""Stock changes by a recorded movement; product, slot and coupon forms never write counters."""

import pytest
from django.db import IntegrityError

from config.errors import ApplicationError
from orders.errors import CapacityBelowBookings, MaxUsesBelowUses, SlotFull, StockAdjustmentInvalid
from orders.models import Coupon, Product, Slot, StockMovement
from orders.services.coupons import coupon_save
from orders.services.slots import slot_save
from orders.services.stock import stock_adjust
from tests.concurrency import run_concurrently
from tests.factories import CouponFactory, ProductFactory, SlotFactory, UserFactory, place_order
from tests.orders.staff_helpers import change_form_data, role_member

pytestmark = pytest.mark.django_db


def test_stock_adjust_adds_and_records_who_how_many_and_why():
    manager = role_member("manager")
    product = ProductFactory(stock=5)

    movement = stock_adjust(product=product, delta=12, reason="delivery", by=manager, note="Mill")

    assert Product.objects.get(pk=product.pk).stock == 17
    saved = StockMovement.objects.get()
    assert (saved.delta, saved.stock_after, saved.reason, saved.actor, saved.note) == (
        12,
        17,
        "delivery",
        manager,
        "Mill",
    )
    assert movement == saved


@pytest.mark.parametrize("delta", [0, -6])
def test_stock_adjust_refuses_zero_or_going_below_zero_and_changes_nothing(delta):
    product = ProductFactory(stock=5)

    with pytest.raises(StockAdjustmentInvalid) as refused:
        stock_adjust(product=product, delta=delta, reason="count", by=None)

    assert refused.value.field == "delta"
    assert Product.objects.get(pk=product.pk).stock == 5
    assert not StockMovement.objects.exists()


def test_a_manager_adjusts_stock_on_its_own_page_and_staff_cannot(client):
    product = ProductFactory(stock=5)
    client.force_login(role_member("staff"))
    url = f"/admin/orders/product/{product.pk}/adjust-stock/"

    assert client.post(url, {"delta": "3", "reason": "delivery"}).status_code == 403

    client.force_login(role_member("manager"))
    assert client.get(url).status_code == 200
    done = client.post(url, {"delta": "-2", "reason": "damaged", "note": "Dropped"}, follow=True)
    too_many = client.post(url, {"delta": "-9", "reason": "count"})

    assert "now 3" in done.content.decode()
    assert too_many.status_code == 200
    assert "Stock cannot go below 0" in too_many.content.decode()
    assert Product.objects.get(pk=product.pk).stock == 3
    assert StockMovement.objects.count() == 1


def test_the_adjust_stock_link_shows_only_to_those_who_may_use_it(client):
    product = ProductFactory(stock=5)
    link = f'href="/admin/orders/product/{product.pk}/adjust-stock/"'

    client.force_login(role_member("staff"))
    staff_page = client.get(f"/admin/orders/product/{product.pk}/change/")
    client.force_login(role_member("manager"))
    manager_page = client.get(f"/admin/orders/product/{product.pk}/change/")

    assert staff_page.status_code == 200
    assert link not in staff_page.content.decode()
    assert "Adjust stock" not in staff_page.content.decode()
    assert link in manager_page.content.decode()


def test_saving_a_product_form_never_changes_its_stock(client):
    product = ProductFactory(stock=10, name="Rye")
    client.force_login(role_member("manager"))
    page = client.get(f"/admin/orders/product/{product.pk}/change/")
    place_order(products=[product], quantity=3)  # a checkout while the form is open

    response = client.post(
        f"/admin/orders/product/{product.pk}/change/",
        change_form_data(page, name_en="Dark rye", stock="99"),
    )

    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.name, product.stock) == ("Dark rye", 7)


def test_a_capacity_below_places_taken_is_a_form_error_naming_the_rule(client):
    slot = SlotFactory(kind="pickup", capacity=3)
    place_order(slot=slot)
    place_order(slot=slot)
    client.force_login(role_member("manager"))
    page = client.get(f"/admin/orders/slot/{slot.pk}/change/")

    refused = client.post(
        f"/admin/orders/slot/{slot.pk}/change/", change_form_data(page, capacity="1")
    )
    allowed = client.post(
        f"/admin/orders/slot/{slot.pk}/change/", change_form_data(page, capacity="2")
    )

    assert refused.status_code == 200
    assert "cannot be below the 2 place(s) already taken" in refused.content.decode()
    assert allowed.status_code == 302
    assert Slot.objects.values_list("capacity", "reserved").get(pk=slot.pk) == (2, 2)


def test_the_slot_service_refuses_a_capacity_below_its_bookings_too():
    slot = SlotFactory(kind="pickup", capacity=3)
    place_order(slot=slot)
    slot.capacity = 0

    with pytest.raises(CapacityBelowBookings):
        slot_save(slot=slot)

    assert Slot.objects.get(pk=slot.pk).capacity == 3


def test_a_maximum_below_the_uses_is_a_form_error_and_the_service_refuses_it(client):
    coupon = CouponFactory(max_uses=10)
    Coupon.objects.filter(pk=coupon.pk).update(uses=4)
    client.force_login(role_member("manager"))
    page = client.get(f"/admin/orders/coupon/{coupon.pk}/change/")

    refused = client.post(
        f"/admin/orders/coupon/{coupon.pk}/change/", change_form_data(page, max_uses="3", uses="0")
    )
    coupon.max_uses = 2

    assert refused.status_code == 200
    assert (
        "cannot be below the 4 time(s) the coupon has already been used" in refused.content.decode()
    )
    with pytest.raises(MaxUsesBelowUses):
        coupon_save(coupon=coupon)
    assert Coupon.objects.values_list("max_uses", "uses").get(pk=coupon.pk) == (10, 4)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_stock_movement_racing_a_checkout_loses_neither():
    product = ProductFactory(stock=10)
    manager = role_member("manager")
    customer = UserFactory()
    slot = SlotFactory(kind="pickup")
    from orders.models import Cart

    cart = Cart.objects.create(user=customer)
    cart.lines.create(product=product, quantity=3)

    def act(i):
        if i == 0:
            from orders.services.checkout import checkout_place

            return checkout_place(
                user=customer, slot_id=slot.pk, address_id=None, idempotency_key="k1"
            )
        return stock_adjust(product=product, delta=5, reason="delivery", by=manager)

    results = run_concurrently(act, times=2)

    assert not any(isinstance(result, Exception) for result in results), results
    assert Product.objects.get(pk=product.pk).stock == 10 - 3 + 5
    assert StockMovement.objects.get().delta == 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_lowering_a_capacity_while_the_last_places_are_booked_refuses_one_never_a_500():
    slot = SlotFactory(kind="pickup", capacity=2)
    place_order(slot=slot)
    products = [ProductFactory(stock=5)]
    customer = UserFactory()
    from orders.models import Cart

    Cart.objects.create(user=customer).lines.create(product=products[0], quantity=1)

    def act(i):
        if i == 0:
            from orders.services.checkout import checkout_place

            return checkout_place(
                user=customer, slot_id=slot.pk, address_id=None, idempotency_key="k2"
            )
        edited = Slot.objects.get(pk=slot.pk)
        edited.capacity = 1
        return slot_save(slot=edited)

    results = run_concurrently(act, times=2)

    assert not any(isinstance(r, IntegrityError) for r in results), results
    refused = [r for r in results if isinstance(r, ApplicationError)]
    assert len(refused) == 1
    assert isinstance(refused[0], (SlotFull, CapacityBelowBookings))
    capacity, reserved = Slot.objects.values_list("capacity", "reserved").get(pk=slot.pk)
    assert reserved <= capacity
