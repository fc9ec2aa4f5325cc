"""The budget for a cart add through the API, on a customer's first add (which makes the
cart) as on a later one (which adds to a line), with an app session token: issue 32's 5
queries (the user, the cart's upsert, the product with its line, the line's write, the
reply's lines, which bring the customer's first address for the reply's delivery line);
with an address, the delivery line also reads the zones' rules (one more). The
transaction's SAVEPOINT and RELEASE (in production BEGIN and COMMIT) are round trips the
tests do not count, as bench/queries.py does not."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from orders.models import CartLine
from tests.factories import AddressFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

BUDGET = 5


def _statements(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]


@pytest.mark.parametrize("with_address", [False, True])
@pytest.mark.parametrize("lines_before", [0, 1, 10])
def test_a_cart_add_keeps_to_the_budget(lines_before, with_address):
    user = UserFactory()
    if with_address:
        AddressFactory(user=user, postcode="SW1A 1AA")
    signed_in = Client()
    signed_in.force_login(user)
    token = signed_in.session.session_key
    products = ProductFactory.create_batch(lines_before + 1, stock=5)

    def add(product):
        with CaptureQueriesContext(connection) as queries:
            response = Client().post(
                "/api/v1/cart/items/",
                {"product": product.pk, "quantity": 1},
                content_type="application/json",
                headers={"X-Session-Token": token},
            )
        assert response.status_code == 201
        return response, _statements(queries)

    add(products[0])  # the token's session is read into the cache; the cart is made
    for product in products[1:]:
        add(product)
    response, statements = add(products[0])
    assert len(statements) <= BUDGET + with_address, statements
    assert len(response.json()["lines"]) == lines_before + 1
    delivery = response.json()["delivery"]
    assert (delivery and delivery["postcode"]) == ("SW1A 1AA" if with_address else None)
    assert CartLine.objects.get(cart__user=user, product=products[0]).quantity == 2


def test_a_customers_first_add_makes_the_cart_within_the_budget():
    user = UserFactory()
    signed_in = Client()
    signed_in.force_login(user)
    token = signed_in.session.session_key
    signed_in.get("/api/v1/me/")  # the token's session is in the cache, as after sign-in
    loaf = ProductFactory(stock=5)
    with CaptureQueriesContext(connection) as queries:
        response = Client().post(
            "/api/v1/cart/items/",
            {"product": loaf.pk, "quantity": 1},
            content_type="application/json",
            headers={"X-Session-Token": token},
        )
    assert response.status_code == 201
    assert len(_statements(queries)) <= BUDGET, _statements(queries)
    assert CartLine.objects.get(cart__user=user).product == loaf
