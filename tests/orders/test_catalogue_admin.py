"""Managers run the catalogue in the admin; `seed_demo` fills a demo shop."""

import pytest
from django.core.management import call_command

from orders.demo import seed_catalogue
from orders.models import Category, Product
from tests.factories import CategoryFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_product_admin_lists_filters_and_searches(admin_client):
    ProductFactory(name="Seeded rye", sku="BRD-002", stock=2)
    ProductFactory(name="Brownie", sku="CAK-006")

    listing = admin_client.get("/admin/orders/product/")
    found = admin_client.get("/admin/orders/product/?q=BRD-002")
    low = admin_client.get("/admin/orders/product/?stock_level=low")

    assert listing.status_code == 200
    assert "Seeded rye" in listing.content.decode()
    assert list(found.context["cl"].result_list.values_list("name", flat=True)) == ["Seeded rye"]
    assert list(low.context["cl"].result_list.values_list("name", flat=True)) == ["Seeded rye"]


def test_the_product_list_saves_the_active_flag_but_never_stock(admin_client):
    product = ProductFactory(stock=5)

    response = admin_client.post(
        "/admin/orders/product/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(product.pk),
            "form-0-stock": "42",
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.stock, product.is_active) == (5, False)


def test_category_admin_shows_product_counts_and_add_pages_load(admin_client):
    category = CategoryFactory(name="Bread")
    ProductFactory.create_batch(3, category=category)

    listing = admin_client.get("/admin/orders/category/")

    assert listing.context["cl"].result_list.get(pk=category.pk)._product_count == 3
    assert admin_client.get("/admin/orders/category/add/").status_code == 200
    assert admin_client.get("/admin/orders/product/add/").status_code == 200


def test_seed_catalogue_grows_a_demo_shop_and_is_idempotent():
    seed_catalogue()
    seed_catalogue()

    assert Category.objects.count() == 4
    assert Product.objects.count() == 30
    assert Product.objects.filter(is_active=False).count() == 1
    assert Product.objects.filter(is_active=True, stock__gt=0, stock__lte=5).exists()
    assert not Product.objects.filter(is_active=True, stock=0).exists()


def test_seed_demo_command_loads_the_catalogue(capsys):
    call_command("seed_demo")

    assert Product.objects.filter(is_active=True).count() == 29
    assert "30 products" in capsys.readouterr().out
