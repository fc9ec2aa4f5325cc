"""The cart API: a signed-in customer's own cart, priced by the shop, never by the client."""

from decimal import Decimal

import pytest
from django.test import Client

from orders.models import CartLine
from tests.factories import (
    AddressFactory,
    CartFactory,
    CartLineFactory,
    CategoryFactory,
    OptionChoiceFactory,
    ProductFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return UserFactory()


@pytest.fixture
def client_of(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def _lines(user):
    return sorted(CartLine.objects.filter(cart__user=user).values_list("product_id", "quantity"))


def assert_400_naming(response, field):
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["field"] == field, body


def test_the_cart_api_needs_a_signed_in_customer(api_client):
    assert api_client.get("/api/v1/cart/").status_code in {401, 403}
    assert api_client.post("/api/v1/cart/items/", {"product": 1}, format="json").status_code in {
        401,
        403,
    }


def test_an_empty_cart(client_of):
    response = client_of.get("/api/v1/cart/")

    assert response.status_code == 200
    assert response.json() == {
        "lines": [],
        "item_count": 0,
        "subtotal": "0.00",
        "tax": "0.00",
        "total": "0.00",
        "prices_include_tax": True,
        "currency": "GBP",
        "has_problems": False,
        "delivery": None,
    }


def test_adding_a_product_creates_a_line_priced_by_the_shop(client_of, user):
    product = ProductFactory(price=Decimal("2.50"))

    response = client_of.post(
        "/api/v1/cart/items/",
        {"product": product.pk, "quantity": 3, "unit_price": "0.01", "total": "0.01"},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["lines"][0]["unit_price"] == "2.50"
    assert body["lines"][0]["line_total"] == "7.50"
    assert body["total"] == "7.50"
    assert _lines(user) == [(product.pk, 3)]


def test_adding_a_product_already_in_the_cart_raises_its_quantity(client_of, user):
    product = ProductFactory()
    client_of.post("/api/v1/cart/items/", {"product": product.pk, "quantity": 2}, format="json")

    response = client_of.post(
        "/api/v1/cart/items/", {"product": product.pk, "quantity": 5}, format="json"
    )

    assert response.status_code == 201
    assert _lines(user) == [(product.pk, 7)]


def test_adding_past_99_is_refused_not_capped(client_of, user):
    product = ProductFactory(stock=200)
    CartLineFactory(cart=CartFactory(user=user), product=product, quantity=95)

    response = client_of.post(
        "/api/v1/cart/items/", {"product": product.pk, "quantity": 5}, format="json"
    )

    assert_400_naming(response, "quantity")
    assert _lines(user) == [(product.pk, 95)]


@pytest.mark.parametrize("quantity", [0, -1, 100, "abc", None, 2.5, True, ""])
def test_a_bad_quantity_is_a_400_naming_quantity_and_changes_nothing(client_of, user, quantity):
    product = ProductFactory()
    other = ProductFactory()
    CartLineFactory(cart=CartFactory(user=user), product=other, quantity=2)

    response = client_of.post(
        "/api/v1/cart/items/", {"product": product.pk, "quantity": quantity}, format="json"
    )

    assert_400_naming(response, "quantity")
    assert _lines(user) == [(other.pk, 2)]


@pytest.mark.parametrize("product", ["missing", "unknown", "inactive", "abc", "huge"])
def test_a_bad_product_is_a_400_naming_product_and_changes_nothing(client_of, user, product):
    other = ProductFactory()
    CartLineFactory(cart=CartFactory(user=user), product=other, quantity=2)
    payload = {
        "missing": {"quantity": 1},
        "unknown": {"product": other.pk + 1000, "quantity": 1},
        "inactive": {"product": ProductFactory(is_active=False).pk, "quantity": 1},
        "abc": {"product": "abc", "quantity": 1},
        "huge": {"product": 10**30, "quantity": 1},
    }[product]

    response = client_of.post("/api/v1/cart/items/", payload, format="json")

    assert_400_naming(response, "product")
    assert _lines(user) == [(other.pk, 2)]


def test_changing_and_removing_a_line(client_of, user):
    line = CartLineFactory(cart=CartFactory(user=user), product__price=Decimal("1.25"))

    changed = client_of.patch(f"/api/v1/cart/items/{line.pk}/", {"quantity": 4}, format="json")
    assert changed.status_code == 200
    assert changed.json()["lines"][0]["line_total"] == "5.00"
    assert _lines(user) == [(line.product_id, 4)]

    removed = client_of.delete(f"/api/v1/cart/items/{line.pk}/")
    assert removed.status_code == 204
    assert _lines(user) == []


@pytest.mark.parametrize("quantity", [0, 100, "abc"])
def test_changing_a_line_to_a_bad_quantity_is_refused(client_of, user, quantity):
    line = CartLineFactory(cart=CartFactory(user=user), quantity=3)

    response = client_of.patch(
        f"/api/v1/cart/items/{line.pk}/", {"quantity": quantity}, format="json"
    )

    assert_400_naming(response, "quantity")
    line.refresh_from_db()
    assert line.quantity == 3


def test_another_customers_line_is_a_404_to_read_change_or_delete(client_of, user):
    CartFactory(user=user)
    theirs = CartLineFactory(quantity=2)

    url = f"/api/v1/cart/items/{theirs.pk}/"
    assert client_of.get(url).status_code in {404, 405}
    assert client_of.patch(url, {"quantity": 5}, format="json").status_code == 404
    assert client_of.delete(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.quantity == 2
    assert all(line["id"] != theirs.pk for line in client_of.get("/api/v1/cart/").json()["lines"])


def test_a_line_id_that_is_not_a_number_is_a_404(client_of):
    assert (
        client_of.patch("/api/v1/cart/items/abc/", {"quantity": 1}, format="json").status_code
        == 404
    )


def test_line_totals_and_total_are_decimal_strings(client_of, user):
    cart = CartFactory(user=user)
    CartLineFactory(cart=cart, product__price=Decimal("0.10"), quantity=3)
    CartLineFactory(cart=cart, product__price=Decimal("19.99"), quantity=2)

    body = client_of.get("/api/v1/cart/").json()

    assert [line["line_total"] for line in body["lines"]] == ["0.30", "39.98"]
    assert body["total"] == "40.28"
    assert body["item_count"] == 5


def test_the_cart_shows_current_prices_and_flags_lines_that_cannot_be_bought(client_of, user):
    cart = CartFactory(user=user)
    price_rise = CartLineFactory(cart=cart, product__price=Decimal("2.00"), quantity=1)
    short = CartLineFactory(cart=cart, product__stock=2, quantity=3)
    retired = CartLineFactory(cart=cart, quantity=1)
    price_rise.product.price = Decimal("3.00")
    price_rise.product.save()
    retired.product.is_active = False
    retired.product.save()

    lines = {line["id"]: line for line in client_of.get("/api/v1/cart/").json()["lines"]}

    assert lines[price_rise.pk]["unit_price"] == "3.00"
    assert lines[price_rise.pk]["out_of_stock"] is False
    assert lines[short.pk]["out_of_stock"] is True
    assert lines[retired.pk]["inactive"] is True


@pytest.mark.parametrize("rows", [1, 30])
def test_cart_api_runs_a_fixed_number_of_queries(client_of, user, django_assert_num_queries, rows):
    cart = CartFactory(user=user)
    category = CategoryFactory()
    for product in ProductFactory.create_batch(rows, category=category):
        CartLineFactory(cart=cart, product=product)

    # the cart, its lines with their products (whether each has options, and the
    # customer's first address, none here)
    with django_assert_num_queries(2):
        response = client_of.get("/api/v1/cart/")
    assert len(response.json()["lines"]) == rows

    # products with options: their option choices too, in one query
    for line in cart.lines.all():
        OptionChoiceFactory(group__product=line.product, group__required=False)
    with django_assert_num_queries(3):
        response = client_of.get("/api/v1/cart/")
    assert len(response.json()["lines"]) == rows

    # with an address, the delivery zones with their rules too, in one query
    AddressFactory(user=user)
    with django_assert_num_queries(4):
        response = client_of.get("/api/v1/cart/")
    assert response.json()["delivery"]["deliverable"] is True


def test_adding_more_than_is_left_adds_nothing_and_says_how_many_are_left(client_of, user):
    product = ProductFactory(name="Spelt loaf", stock=3)

    response = client_of.post(
        "/api/v1/cart/items/", {"product": product.pk, "quantity": 5}, format="json"
    )

    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["field"]) == ("not_enough_stock", "quantity")
    assert body["detail"] == "Only 3 of Spelt loaf left."
    assert _lines(user) == []


def test_adding_on_top_of_the_cart_counts_what_is_there(client_of, user):
    product = ProductFactory(name="Spelt loaf", stock=3)
    CartLineFactory(cart=CartFactory(user=user), product=product, quantity=2)

    response = client_of.post(
        "/api/v1/cart/items/", {"product": product.pk, "quantity": 2}, format="json"
    )

    assert response.json()["detail"] == "Only 3 of Spelt loaf left and you have 2 in your cart."
    assert _lines(user) == [(product.pk, 2)]


def test_an_unavailable_line_is_flagged_and_left_out_of_the_total(client_of, user):
    cart = CartFactory(user=user)
    CartLineFactory(cart=cart, product=ProductFactory(price=Decimal("2.00")), quantity=2)
    gone = ProductFactory(price=Decimal("9.00"), is_active=False)
    CartLineFactory(cart=cart, product=gone, quantity=1)

    body = client_of.get("/api/v1/cart/").json()

    assert Decimal(body["total"]) == Decimal("4.00")
    flagged = [line for line in body["lines"] if line["product"]["id"] == gone.pk]
    assert flagged and flagged[0]["inactive"] is True


def test_adding_to_the_cart_takes_a_fixed_handful_of_queries(django_assert_max_num_queries):
    user = UserFactory()
    CartLineFactory(cart=CartFactory(user=user), product=ProductFactory(stock=5))
    signed_in = Client()
    signed_in.force_login(user)
    token = signed_in.session.session_key
    products = ProductFactory.create_batch(2, stock=5)

    def add(product):
        return Client().post(
            "/api/v1/cart/items/",
            {"product": product.pk, "quantity": 1},
            content_type="application/json",
            headers={"X-Session-Token": token},
        )

    assert add(products[0]).status_code == 201
    # user, the cart (found, or made, and locked in one upsert), the product with the cart's
    # line of it, the product's option choices, the INSERT or UPDATE of the line, the
    # reply's lines and their products' option choices, the customer's first address (for
    # the delivery line; none here); the session comes from the cache. Here the
    # transaction is a savepoint and its release (2 more); in production it is BEGIN and
    # COMMIT, which Django does not count.
    with django_assert_max_num_queries(10):
        assert add(products[1]).status_code == 201
    with django_assert_max_num_queries(10):
        reply = add(products[1])
    assert [line["quantity"] for line in reply.json()["lines"]] == [1, 1, 2]


@pytest.mark.parametrize("prices_include_tax", [True, False])
def test_the_cart_reply_is_what_its_serializer_describes(user, settings, prices_include_tax):
    """orders.api.cart.cart_data writes the reply as plain values; the schema describes it
    with CartSerializer. The two must agree field for field."""
    from orders.api.cart import CartSerializer, cart_data
    from orders.selectors.cart import cart_summary

    settings.PRICES_INCLUDE_TAX = prices_include_tax
    cart = CartFactory(user=user)
    cake = ProductFactory(
        price=Decimal("18.00"),
        allows_message=True,
        allergens_contains=5,
        allergens_may_contain=2,
        suitable_for=1,
        ingredients="Flour, eggs",
    )
    large = OptionChoiceFactory(group__product=cake, price_change=Decimal("4.50"))
    CartLineFactory(cart=cart, product=cake, quantity=2, choices_key=str(large.pk), message="Hi")
    CartLineFactory(cart=cart, product=ProductFactory(allergens_contains=None), quantity=1)
    CartLineFactory(cart=cart, product=ProductFactory(stock=0), quantity=3)
    CartLineFactory(cart=cart, product=ProductFactory(is_active=False), quantity=1)
    summary = cart_summary(cart=cart)

    # the delivery line is the reply's own (_cart_response): None without an address
    assert {**cart_data(summary), "delivery": None} == CartSerializer(summary).data
    assert cart_data(summary)["lines"][0]["options"][0]["price_change"] == "4.50"
