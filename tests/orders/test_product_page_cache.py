"""The product page, cached whole for visitors with no state of their own, as the catalogue
page is (orders.views.catalogue): the same page for all of them, a CSRF token each, and a
change made through Orderly shown at once."""

import re
from decimal import Decimal

import pytest
from django.test import Client

from tests.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


def _csrf_field(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())[1]


def test_a_visitor_with_no_session_gets_the_cached_page_with_a_csrf_token_of_their_own(
    django_assert_num_queries,
):
    loaf = ProductFactory(name="Country sourdough", slug="sourdough", stock=5)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    assert first.get("/products/sourdough/?utm_source=mail").status_code == 200
    with django_assert_num_queries(0):
        reply = second.get("/products/sourdough/")
    html = reply.content.decode()
    assert "Country sourdough" in html
    assert not reply.templates  # served from the cache, not rendered
    assert "Cookie" in reply["Vary"]
    assert "utm_source" not in html  # the first visitor's query is not in everyone's page
    token = _csrf_field(reply)
    assert token != _csrf_field(first.get("/products/sourdough/"))

    added = second.post(
        "/cart/add/", {"product": loaf.pk, "quantity": 1, "csrfmiddlewaretoken": token}
    )
    assert added.status_code == 302
    assert 'aria-label="1 item in your cart"' in second.get("/products/sourdough/").content.decode()
    assert 'aria-label="1 item' not in Client().get("/products/sourdough/").content.decode()


def test_a_signed_in_customers_page_is_their_own_and_stays_out_of_the_cache():
    ProductFactory(name="Country sourdough", slug="sourdough")
    customer = Client()
    customer.force_login(UserFactory(email="ada@example.com"))
    page = customer.get("/products/sourdough/")
    assert page.templates  # rendered for them
    assert "Sign out" in page.content.decode()
    assert "Sign out" not in Client().get("/products/sourdough/").content.decode()


def test_the_cached_page_shows_a_price_change_and_a_withdrawal_at_once(
    django_capture_on_commit_callbacks,
):
    loaf = ProductFactory(slug="sourdough", price=Decimal("4.80"))
    assert "£4.80" in Client().get("/products/sourdough/").content.decode()
    loaf.price = Decimal("5.20")
    with django_capture_on_commit_callbacks(execute=True):
        loaf.save()
    html = Client().get("/products/sourdough/").content.decode()
    assert "£5.20" in html
    assert "£4.80" not in html
    loaf.is_active = False
    with django_capture_on_commit_callbacks(execute=True):
        loaf.save()
    assert Client().get("/products/sourdough/").status_code == 404


def test_a_missing_product_is_a_404_each_time_and_one_added_later_shows(
    django_capture_on_commit_callbacks,
):
    assert Client().get("/products/sourdough/").status_code == 404
    assert Client().get("/products/sourdough/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        ProductFactory(name="Country sourdough", slug="sourdough")
    assert "Country sourdough" in Client().get("/products/sourdough/").content.decode()
