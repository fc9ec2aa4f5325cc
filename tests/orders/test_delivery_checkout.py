"""Checkout with delivery zones: refusals change nothing; the order keeps its zone and fee."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from orders.models import CartLine, Coupon, Order, Product, Slot
from orders.services.delivery import delivery_zone_delete, delivery_zone_update
from tests.factories import (
    AddressFactory,
    CartFactory,
    CartLineFactory,
    CouponFactory,
    ProductFactory,
    SlotFactory,
    UserFactory,
    delivery_zone,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/orders/"


@pytest.fixture
def shop(api_client):
    """A customer in E1 6AN with 2 x 10.00 of bread in the cart, a delivery slot, a coupon."""
    user = UserFactory()
    home = AddressFactory(user=user, postcode="E1 6AN")
    away = AddressFactory(user=user, postcode="N1 9GU", label="Work")
    bread = ProductFactory(price=Decimal("10.00"), stock=10, tax_rate=Decimal("0"))
    cart = CartFactory(user=user)
    CartLineFactory(cart=cart, product=bread, quantity=2)
    slot = SlotFactory(kind="delivery", capacity=2)
    coupon = CouponFactory(code="FIVE", kind="fixed", value=Decimal("5.00"), max_uses=1)
    api_client.force_authenticate(user)
    return SimpleNamespace(
        user=user, home=home, away=away, bread=bread, slot=slot, coupon=coupon, client=api_client
    )


def _place(shop, *, address, coupon="", key="k1"):
    body = {"slot": shop.slot.pk, "address": address.pk, "coupon": coupon}
    return shop.client.post(URL, body, format="json", headers={"Idempotency-Key": key})


def _state():
    return {
        "stock": list(Product.objects.values_list("pk", "stock")),
        "reserved": list(Slot.objects.values_list("pk", "reserved")),
        "uses": list(Coupon.objects.values_list("code", "uses")),
        "cart": sorted(CartLine.objects.values_list("product_id", "quantity")),
        "orders": Order.objects.count(),
    }


def test_an_address_no_zone_covers_is_refused_and_nothing_changes(shop):
    delivery_zone("E1")
    before = _state()
    response = _place(shop, address=shop.away, coupon="FIVE")
    assert response.status_code == 400
    assert response.json()["code"] == "not_deliverable"
    assert response.json()["field"] == "address"
    assert _state() == before


def test_below_the_minimum_is_refused_naming_the_missing_amount_and_nothing_changes(shop):
    delivery_zone("E1", minimum_order=Decimal("25.00"))
    before = _state()
    # 20.00 of goods, 15.00 after the coupon: 10.00 short of the minimum
    response = _place(shop, address=shop.home, coupon="FIVE")
    assert response.status_code == 400
    assert response.json()["code"] == "below_minimum"
    assert "£10.00" in response.json()["detail"]
    assert "£25.00" in response.json()["detail"]
    assert _state() == before


def test_the_order_pays_the_zones_fee_and_keeps_the_zone(shop):
    zone = delivery_zone("E1", ("E", True), name="Inner East", fee=Decimal("2.50"))
    response = _place(shop, address=shop.home)
    assert response.status_code == 201, response.json()
    order = Order.objects.get()
    assert order.delivery_fee == Decimal("2.50")
    assert order.total == Decimal("22.50")
    assert order.delivery_zone == zone
    assert order.delivery_zone_name == "Inner East"
    assert order.delivery_country == "GB"


def test_delivery_is_free_at_the_threshold_measured_after_the_coupon(shop):
    delivery_zone("E1", fee=Decimal("2.50"), free_delivery_over=Decimal("20.00"))
    response = _place(shop, address=shop.home)
    assert response.status_code == 201, response.json()
    assert Order.objects.get().delivery_fee == Decimal("0.00")

    # Again with the coupon: 20.00 - 5.00 is under the threshold, so the fee is paid.
    CartLineFactory(cart=shop.user.cart, product=shop.bread, quantity=2)
    response = _place(shop, address=shop.home, coupon="FIVE", key="k2")
    assert response.status_code == 201, response.json()
    order = Order.objects.get(number=response.json()["number"])
    assert order.discount == Decimal("5.00")
    assert order.delivery_fee == Decimal("2.50")
    assert order.total == Decimal("17.50")


def test_editing_or_deleting_the_zone_never_changes_a_placed_order(shop):
    zone = delivery_zone("E1", name="Inner East", fee=Decimal("2.50"))
    assert _place(shop, address=shop.home).status_code == 201
    delivery_zone_update(zone=zone, name="Renamed", fee=Decimal("9.00"), rules=[{"pattern": "N1"}])
    order = Order.objects.get()
    assert (order.delivery_fee, order.delivery_zone_name, order.total) == (
        Decimal("2.50"),
        "Inner East",
        Decimal("22.50"),
    )
    delivery_zone_delete(zone=zone)
    order.refresh_from_db()
    assert order.delivery_zone is None
    assert (order.delivery_fee, order.delivery_zone_name) == (Decimal("2.50"), "Inner East")
    detail = shop.client.get(f"{URL}{order.number}/").json()
    assert (detail["delivery_fee"], detail["delivery_zone_name"]) == ("2.50", "Inner East")


def test_with_no_zone_delivery_goes_anywhere_for_the_delivery_fee(shop, settings):
    settings.DELIVERY_FEE = Decimal("4.50")
    assert _place(shop, address=shop.away).status_code == 201
    order = Order.objects.get()
    assert order.delivery_fee == Decimal("4.50")
    assert order.delivery_zone is None
    assert order.delivery_zone_name == ""


def test_pickup_ignores_the_zones(shop):
    delivery_zone("E1", minimum_order=Decimal("100"))
    shop.slot.kind = "pickup"
    shop.slot.save()
    response = shop.client.post(
        URL,
        {"slot": shop.slot.pk, "address": None},
        format="json",
        headers={"Idempotency-Key": "p"},
    )
    assert response.status_code == 201, response.json()
    assert Order.objects.get().delivery_fee == Decimal("0.00")


def test_a_manager_adding_the_district_lets_the_same_customer_book(shop):
    zone = delivery_zone("E1")
    assert _place(shop, address=shop.away).json()["code"] == "not_deliverable"
    delivery_zone_update(zone=zone, rules=[{"pattern": "E1"}, {"pattern": "N1"}])
    assert _place(shop, address=shop.away, key="k2").status_code == 201


def test_the_preview_shows_the_zone_fee_for_the_chosen_address(shop):
    delivery_zone("E1", name="Inner East", fee=Decimal("2.50"), free_delivery_over=Decimal("40"))
    preview = shop.client.get("/api/v1/checkout/preview/", {"kind": "delivery"}).json()
    assert (preview["delivery_fee"], preview["zone"], preview["deliverable"]) == (
        "2.50",
        "Inner East",
        True,
    )
    away = shop.client.get(
        "/api/v1/checkout/preview/", {"kind": "delivery", "address": shop.away.pk}
    ).json()
    assert (away["deliverable"], away["zone"], away["delivery_fee"]) == (False, None, "0.00")
    other = AddressFactory()
    refused = shop.client.get(
        "/api/v1/checkout/preview/", {"kind": "delivery", "address": other.pk}
    )
    assert refused.status_code == 400
    assert refused.json()["field"] == "address"
    pickup = shop.client.get("/api/v1/checkout/preview/", {"kind": "pickup"}).json()
    assert (pickup["deliverable"], pickup["delivery_fee"]) == (None, "0.00")


def test_the_cart_api_tells_the_fee_and_what_more_buys_free_delivery(shop, api_client):
    delivery_zone("E1", name="Inner East", fee=Decimal("2.50"), free_delivery_over=Decimal("40"))
    cart = shop.client.get("/api/v1/cart/").json()
    assert cart["delivery"] == {
        "postcode": "E1 6AN",
        "country": "GB",
        "deliverable": True,
        "zone": "Inner East",
        "fee": "2.50",
        "minimum_order": "0.00",
        "free_delivery_over": "40.00",
        "more_for_free_delivery": "20.00",
        "more_for_minimum": "0.00",
    }
    CartLineFactory(cart=shop.user.cart, product=ProductFactory(price=Decimal("20")), quantity=1)
    cart = shop.client.get("/api/v1/cart/").json()
    assert (cart["delivery"]["fee"], cart["delivery"]["more_for_free_delivery"]) == ("0.00", None)

    stranger = UserFactory()
    api_client.force_authenticate(stranger)
    assert api_client.get("/api/v1/cart/").json()["delivery"] is None
