"""Cached catalogue replies are keyed on the query parameters the view reads only: a
campaign's ?utm_source= values, or any other parameter, make no new cache entry and do
not show in the cached reply's links (issue 24)."""

import pytest

from tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    bread = CategoryFactory(slug="bread")
    ProductFactory.create_batch(25, category=bread)
    return bread


def test_the_product_list_is_one_cache_entry_whatever_else_the_query_carries(
    api_client, catalogue, django_assert_num_queries
):
    first = api_client.get("/api/v1/products/?category=bread&utm_source=mail")
    assert first.status_code == 200
    assert first.json()["next"] == "http://testserver/api/v1/products/?category=bread&page=2"

    for query in ["utm_source=feed&category=bread", "category=bread&fbclid=x1&utm_medium=ad"]:
        with django_assert_num_queries(0):  # served from the first one's entry
            reply = api_client.get(f"/api/v1/products/?{query}")
        assert reply.json() == first.json()


def test_a_parameter_the_list_reads_still_makes_its_own_entry(api_client, catalogue):
    assert api_client.get("/api/v1/products/?utm_source=a").json()["count"] == 25
    second = api_client.get("/api/v1/products/?page=2&utm_source=b").json()
    assert len(second["results"]) == 5
    assert second["previous"] == "http://testserver/api/v1/products/"
    assert api_client.get("/api/v1/products/?search=zzzz&utm_source=c").json()["count"] == 0


def test_a_product_is_one_cache_entry_whatever_its_query(
    api_client, catalogue, django_assert_num_queries
):
    slug = catalogue.products.first().slug
    api_client.get(f"/api/v1/products/{slug}/?utm_source=a")
    with django_assert_num_queries(0):
        assert api_client.get(f"/api/v1/products/{slug}/?ref=b").status_code == 200


def test_the_catalogue_page_is_one_cache_entry_whatever_else_the_query_carries(
    client, catalogue, django_assert_num_queries
):
    first = client.get("/?category=bread&utm_source=mail")
    assert b"utm_source" not in first.content
    with django_assert_num_queries(0):
        again = client.get("/?utm_campaign=spring&category=bread")
    assert again.status_code == 200
    assert b"utm_" not in again.content
