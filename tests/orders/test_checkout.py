"""Checkout through the API and the service: what is created, what is refused, what it costs."""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders.models import CartLine, Coupon, Order, OrderEvent, Product, Slot
from orders.services.checkout import checkout_place
from tests.factories import (
    AddressFactory,
    CartFactory,
    CartLineFactory,
    CouponFactory,
    OptionChoiceFactory,
    OptionGroupFactory,
    OrderFactory,
    ProductFactory,
    SlotFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/orders/"


@pytest.fixture
def shop():
    """A verified customer with an address, two products in the cart, a delivery slot, a coupon."""
    user = UserFactory()
    address = AddressFactory(user=user)
    bread = ProductFactory(name="Sourdough loaf", price=Decimal("4.80"), stock=10)
    jam = ProductFactory(name="Apricot jam", price=Decimal("3.35"), stock=3)
    cart = CartFactory(user=user)
    CartLineFactory(cart=cart, product=bread, quantity=2)
    CartLineFactory(cart=cart, product=jam, quantity=1)
    slot = SlotFactory(kind="delivery", capacity=2)
    coupon = CouponFactory(code="WELCOME10", kind="percent", value=Decimal("10"), max_uses=1)
    return SimpleNamespace(
        user=user, address=address, bread=bread, jam=jam, cart=cart, slot=slot, coupon=coupon
    )


def _client(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def _post(client, body, key="key-1"):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(URL, body, format="json", headers=headers)


def _state(shop):
    """Everything a checkout may change."""
    return {
        "stock": dict(Product.objects.values_list("name", "stock")),
        "reserved": dict(Slot.objects.values_list("pk", "reserved")),
        "uses": dict(Coupon.objects.values_list("code", "uses")),
        "cart": sorted(CartLine.objects.values_list("product__name", "quantity")),
        "orders": Order.objects.count(),
        "events": OrderEvent.objects.count(),
    }


def test_checkout_places_a_pending_order_and_takes_stock_slot_coupon_and_cart(api_client, shop):
    client = _client(api_client, shop.user)
    response = _post(
        client, {"slot": shop.slot.pk, "address": shop.address.pk, "coupon": "welcome10"}
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    order = Order.objects.get()
    year = timezone.localtime(order.placed_at).year
    assert body["number"] == order.number == f"ORD-{year}-{order.pk:06d}"
    assert body["status"] == "pending_payment"
    assert body["pay_url"] == f"/api/v1/orders/{order.number}/pay/"
    assert body["kind"] == "delivery"
    assert body["delivery_address"] == shop.address.as_text()
    # Prices include 20% VAT: 2 x 4.80 + 3.35 = 12.95; 10% off = 1.295 -> 1.30, spread
    # 0.96 + 0.34 (9.60 x 1.30 / 12.95 = 0.9637, 3.35 x 1.30 / 12.95 = 0.3363: the missing
    # cent goes to the larger remainder); VAT in 8.64 is 1.44, in 3.01 is 0.5017 -> 0.50;
    # delivery 4.50 at 0%; total 12.95 - 1.30 + 4.50 = 16.15.
    assert body["prices_include_tax"] is True
    assert body["subtotal"] == "12.95"
    assert body["tax"] == "1.94"
    assert body["delivery_fee"] == "4.50"
    assert body["delivery_tax"] == "0.00"
    assert body["discount"] == "1.30"
    assert body["total"] == "16.15"
    assert body["coupon_code"] == "WELCOME10"
    assert [
        (
            line["product_name"],
            line["quantity"],
            line["unit_price"],
            line["line_total"],
            line["discount"],
            line["net"],
            line["tax"],
            line["gross"],
        )
        for line in body["lines"]
    ] == [
        ("Sourdough loaf", 2, "4.80", "9.60", "0.96", "7.20", "1.44", "8.64"),
        ("Apricot jam", 1, "3.35", "3.35", "0.34", "2.51", "0.50", "3.01"),
    ]
    assert [(e["from_status"], e["to_status"], e["by"]) for e in body["events"]] == [
        ("", "pending_payment", "customer")
    ]
    shop.bread.refresh_from_db()
    shop.jam.refresh_from_db()
    shop.slot.refresh_from_db()
    shop.coupon.refresh_from_db()
    assert (shop.bread.stock, shop.jam.stock) == (8, 2)
    assert shop.slot.reserved == 1
    assert shop.coupon.uses == 1
    assert not CartLine.objects.exists()


def test_order_lines_keep_the_price_and_name_they_were_bought_at(shop):
    order, _ = checkout_place(
        user=shop.user, slot_id=shop.slot.pk, address_id=shop.address.pk, idempotency_key="k"
    )
    Product.objects.filter(pk=shop.bread.pk).update(name="Renamed", price=Decimal("99"))
    line = order.lines.get(sku=shop.bread.sku)
    assert (line.product_name, line.unit_price, line.tax_rate) == (
        "Sourdough loaf",
        Decimal("4.80"),
        Decimal("0.2000"),
    )


def test_pickup_has_no_delivery_fee_and_no_address(shop):
    pickup = SlotFactory(kind="pickup")
    order, created = checkout_place(
        user=shop.user, slot_id=pickup.pk, address_id=None, idempotency_key="k"
    )
    assert created
    assert order.kind == "pickup"
    assert order.delivery_fee == Decimal("0.00")
    assert order.delivery_address == ""
    assert (order.tax, order.total) == (Decimal("2.16"), Decimal("12.95"))  # 1.60 + 0.56 VAT in it


def test_checkout_stores_tax_added_on_top_when_prices_exclude_tax(shop, settings):
    settings.PRICES_INCLUDE_TAX = False
    settings.DELIVERY_TAX_RATE = Decimal("0.20")
    order, _ = checkout_place(
        user=shop.user,
        slot_id=shop.slot.pk,
        address_id=shop.address.pk,
        coupon_code="WELCOME10",
        idempotency_key="k",
    )
    # The same shares of the 1.30 coupon come off before tax: 8.64 + 1.73 VAT, 3.01 + 0.60
    # VAT; the 4.50 fee gets 0.90 VAT on top; tax 1.73 + 0.60 + 0.90 = 3.23.
    lines = list(order.lines.values_list("discount", "net", "tax", "gross"))
    assert lines == [
        (Decimal("0.96"), Decimal("8.64"), Decimal("1.73"), Decimal("10.37")),
        (Decimal("0.34"), Decimal("3.01"), Decimal("0.60"), Decimal("3.61")),
    ]
    assert order.prices_include_tax is False
    assert (order.subtotal, order.discount, order.delivery_fee, order.delivery_tax) == (
        Decimal("12.95"),
        Decimal("1.30"),
        Decimal("4.50"),
        Decimal("0.90"),
    )
    assert order.tax == Decimal("3.23")
    assert order.total == Decimal("10.37") + Decimal("3.61") + Decimal("5.40") == Decimal("19.38")


def test_the_same_idempotency_key_returns_the_first_order_with_the_same_status_and_body(
    api_client, shop
):
    client = _client(api_client, shop.user)
    body = {"slot": shop.slot.pk, "address": shop.address.pk}
    first = _post(client, body, key="abc")
    CartLineFactory(cart=shop.cart, product=shop.bread, quantity=1)
    before = _state(shop)
    again = _post(client, body, key="abc")

    assert again.status_code == first.status_code == 201
    assert again.json() == first.json()
    assert _state(shop) == before


def test_the_same_key_from_another_user_is_another_checkout(api_client, shop):
    _post(_client(api_client, shop.user), {"slot": shop.slot.pk, "address": shop.address.pk}, "k")
    other = UserFactory()
    CartLineFactory(cart=CartFactory(user=other), product=shop.bread)
    pickup = SlotFactory(kind="pickup")
    response = _post(_client(api_client, other), {"slot": pickup.pk, "address": None}, "k")
    assert response.status_code == 201
    assert Order.objects.count() == 2


def test_a_reused_key_with_a_different_request_is_refused(api_client, shop):
    client = _client(api_client, shop.user)
    _post(client, {"slot": shop.slot.pk, "address": shop.address.pk}, key="abc")
    response = _post(client, {"slot": SlotFactory(kind="pickup").pk, "address": None}, key="abc")
    assert response.status_code == 409
    assert response.json()["field"] == "Idempotency-Key"
    assert Order.objects.count() == 1


def test_a_failed_checkout_can_be_retried_with_the_same_key(api_client, shop):
    client = _client(api_client, shop.user)
    Product.objects.filter(pk=shop.jam.pk).update(stock=0)
    assert _post(client, {"slot": shop.slot.pk, "address": shop.address.pk}, "k").status_code == 409
    Product.objects.filter(pk=shop.jam.pk).update(stock=5)
    assert _post(client, {"slot": shop.slot.pk, "address": shop.address.pk}, "k").status_code == 201


# --- Every failure leaves stock, slot, coupon and cart as they were ----------------


def _unverified(shop):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=shop.user).update(verified=False)
    return {}


def _empty_cart(shop):
    CartLine.objects.all().delete()
    return {}


def _inactive(shop):
    Product.objects.filter(pk=shop.jam.pk).update(is_active=False)
    return {}


def _out_of_stock(shop):
    Product.objects.filter(pk=shop.bread.pk).update(stock=1)
    return {}


def _full_slot(shop):
    Slot.objects.filter(pk=shop.slot.pk).update(capacity=1, reserved=1)
    return {}


def _past_slot(shop):
    start = timezone.now() - timedelta(minutes=5)
    Slot.objects.filter(pk=shop.slot.pk).update(starts_at=start, ends_at=start + timedelta(hours=2))
    return {}


def _unknown_slot(shop):
    return {"slot": 999999}


def _pickup_slot_with_address(shop):
    return {"slot": SlotFactory(kind="pickup").pk}


def _delivery_without_address(shop):
    return {"address": None}


def _other_users_address(shop):
    return {"address": AddressFactory().pk}


def _unknown_coupon(shop):
    return {"coupon": "NOPE"}


def _expired_coupon(shop):
    Coupon.objects.filter(pk=shop.coupon.pk).update(valid_until=timezone.now() - timedelta(days=1))
    return {"coupon": "WELCOME10"}


def _future_coupon(shop):
    Coupon.objects.filter(pk=shop.coupon.pk).update(valid_from=timezone.now() + timedelta(days=1))
    return {"coupon": "WELCOME10"}


def _inactive_coupon(shop):
    Coupon.objects.filter(pk=shop.coupon.pk).update(is_active=False)
    return {"coupon": "WELCOME10"}


def _exhausted_coupon(shop):
    Coupon.objects.filter(pk=shop.coupon.pk).update(uses=1)
    return {"coupon": "WELCOME10"}


def _too_many_open_orders(shop):
    OrderFactory.create_batch(3, user=shop.user)
    return {}


@pytest.mark.parametrize(
    ("breakage", "status", "code", "field", "words"),
    [
        (_unverified, 403, "email_not_verified", None, "verify your email"),
        (_empty_cart, 400, "cart_empty", "cart", "empty"),
        (_inactive, 409, "out_of_stock", "lines", "Apricot jam: no longer available"),
        (_out_of_stock, 409, "out_of_stock", "lines", "Sourdough loaf: only 1 left"),
        (_full_slot, 409, "slot_full", "slot", "fully booked"),
        (_past_slot, 400, "slot_unavailable", "slot", "minutes before a slot starts"),
        (_unknown_slot, 400, "slot_unavailable", "slot", "no such slot"),
        (_pickup_slot_with_address, 400, "address_invalid", "address", "pickup"),
        (_delivery_without_address, 400, "address_invalid", "address", "delivery address"),
        (_other_users_address, 400, "address_invalid", "address", "no such address"),
        (_unknown_coupon, 400, "coupon_invalid", "coupon", "does not exist"),
        (_expired_coupon, 400, "coupon_invalid", "coupon", "expired"),
        (_future_coupon, 400, "coupon_invalid", "coupon", "not valid yet"),
        (_inactive_coupon, 400, "coupon_invalid", "coupon", "does not exist"),
        (_exhausted_coupon, 409, "coupon_exhausted", "coupon", "used up"),
        (_too_many_open_orders, 409, "too_many_open_orders", "orders", "waiting for payment"),
    ],
)
def test_a_failed_checkout_changes_nothing_and_names_what_failed(
    api_client, shop, breakage, status, code, field, words
):
    body = {"slot": shop.slot.pk, "address": shop.address.pk, "coupon": ""}
    body.update(breakage(shop))
    before = _state(shop)

    response = _post(_client(api_client, shop.user), body)

    assert response.status_code == status, response.json()
    assert response.json()["code"] == code
    assert response.json()["field"] == field
    assert words.lower() in response.json()["detail"].lower()
    assert _state(shop) == before


def test_every_failing_line_is_named_in_one_refusal(api_client, shop):
    Product.objects.filter(pk=shop.bread.pk).update(stock=0)
    Product.objects.filter(pk=shop.jam.pk).update(is_active=False)
    response = _post(
        _client(api_client, shop.user), {"slot": shop.slot.pk, "address": shop.address.pk}
    )
    assert response.json()["detail"] == (
        "Sourdough loaf: out of stock; Apricot jam: no longer available."
    )


@pytest.mark.parametrize(
    ("headers", "body", "field"),
    [
        ({}, None, "Idempotency-Key"),
        ({"Idempotency-Key": "   "}, None, "Idempotency-Key"),
        ({"Idempotency-Key": "x" * 101}, None, "Idempotency-Key"),
        ({"Idempotency-Key": "k"}, {"slot": "soon"}, "slot"),
        ({"Idempotency-Key": "k"}, {"slot": 1, "address": "home"}, "address"),
        ({"Idempotency-Key": "k"}, {"slot": 1, "coupon": "X" * 33}, "coupon"),
        ({"Idempotency-Key": "k"}, {"address": None}, "slot"),
        ({"Idempotency-Key": "k"}, {"slot": 10**30, "address": None}, "slot"),
        ({"Idempotency-Key": "k"}, {"slot": True, "address": None}, "slot"),
        ({"Idempotency-Key": "k"}, ["not", "an", "object"], None),
    ],
)
def test_bad_checkout_input_is_a_400_naming_the_field_and_changes_nothing(
    api_client, shop, headers, body, field
):
    body = body or {"slot": shop.slot.pk, "address": shop.address.pk}
    before = _state(shop)
    response = _client(api_client, shop.user).post(URL, body, format="json", headers=headers)
    assert response.status_code == 400
    payload = response.json()
    assert payload["field"] == field
    assert payload["code"]
    assert _state(shop) == before


def test_checkout_needs_a_signed_in_customer(api_client, shop):
    response = _post(api_client, {"slot": shop.slot.pk, "address": None})
    assert response.status_code == 401
    assert not Order.objects.exists()


QUERIES = 31


def test_the_order_number_is_written_with_the_order_not_patched_in_afterwards(shop):
    """Checkout once inserted a placeholder number, then UPDATEd the real one."""
    with CaptureQueriesContext(connection) as queries:
        order, _ = checkout_place(
            user=shop.user, slot_id=shop.slot.pk, address_id=shop.address.pk, idempotency_key="k"
        )

    year = timezone.localtime(order.placed_at).year
    assert Order.objects.get(pk=order.pk).number == f"ORD-{year}-{order.pk:06d}"
    writes = [q["sql"] for q in queries if '"orders_order"' in q["sql"].split(" WHERE ")[0]]
    assert not [sql for sql in writes if sql.startswith("UPDATE")]
    assert not Order.objects.filter(number__startswith="new-").exists()


@pytest.mark.parametrize("line_count", [1, 20])
def test_checkout_query_count_does_not_grow_with_the_cart(django_assert_num_queries, line_count):
    user = UserFactory()
    cart = CartFactory(user=user)
    for _ in range(line_count):
        # Two lines of each product, with different options: one lock, one stock update.
        product = ProductFactory(stock=50, allows_message=True)
        group = OptionGroupFactory(product=product)
        for choice in OptionChoiceFactory.create_batch(2, group=group):
            CartLineFactory(
                cart=cart, product=product, quantity=2, choices_key=str(choice.pk), message="Hi"
            )
    address = AddressFactory(user=user)
    slot = SlotFactory(kind="delivery")
    coupon = CouponFactory(code="TEN")
    user = type(user).objects.get(pk=user.pk)

    # 24 to place the order (with the look for the customer's own overdue orders, expired
    # before counting open ones, one read of the lines' option choices and one for the
    # delivery zones with their rules), then the order-placed notification: its row in a
    # savepoint, the customer's email preference, its delivery, a look for stock run low,
    # and a look for webhook endpoints that hear of new orders.
    with django_assert_num_queries(QUERIES):
        order, created = checkout_place(
            user=user,
            slot_id=slot.pk,
            address_id=address.pk,
            coupon_code=coupon.code,
            idempotency_key="k",
            note="Leave with the neighbour",
        )
    assert created
    assert order.lines.count() == 2 * line_count
    assert set(Product.objects.values_list("stock", flat=True)) == {46}


def test_a_cart_without_options_reads_no_option_choices(django_assert_num_queries):
    user = UserFactory()
    cart = CartFactory(user=user)
    CartLineFactory(cart=cart, product=ProductFactory(stock=50), quantity=2)
    plain = ProductFactory(stock=50)
    CartLineFactory(cart=cart, product=plain, quantity=1)
    # a group with no choice yet has nothing to choose in it
    OptionGroupFactory(product=plain)
    address = AddressFactory(user=user)
    slot = SlotFactory(kind="delivery")
    coupon = CouponFactory(code="TEN")
    user = type(user).objects.get(pk=user.pk)

    with django_assert_num_queries(QUERIES - 1):
        order, created = checkout_place(
            user=user,
            slot_id=slot.pk,
            address_id=address.pk,
            coupon_code=coupon.code,
            idempotency_key="k",
        )
    assert created
    assert sorted(order.lines.values_list("quantity", flat=True)) == [1, 2]
