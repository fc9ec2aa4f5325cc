"""Allergens, ingredients and suitable-for (SPEC §4 "Food information", issue 34): shown
before purchase and on the slip and prep list, filtered on, and, when the shop says so, a
product without allergen information is not sold."""

from decimal import Decimal

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import MANAGER
from orders.demo import DEMO_PRODUCTS, seed_catalogue
from orders.food import allergen_mask, suitable_for_mask
from orders.models import CartLine, Order, OrderLine, Product
from orders.services.transitions import order_transition
from tests.factories import (
    CartFactory,
    CartLineFactory,
    CategoryFactory,
    ProductFactory,
    SlotFactory,
    UserFactory,
    place_order,
)
from tests.orders.staff_helpers import change_form_data, role_member

pytestmark = pytest.mark.django_db


def _food(contains, may_contain=(), **more):
    return {
        "allergens_contains": None if contains is None else allergen_mask(contains),
        "allergens_may_contain": allergen_mask(may_contain),
        **more,
    }


@pytest.fixture
def bakery():
    bread = CategoryFactory(name="Bread", slug="bread")
    return {
        "loaf": ProductFactory(
            name="Sourdough loaf",
            category=bread,
            **_food(
                ["gluten"],
                ["sesame"],
                ingredients="Wheat flour, water, salt.",
                suitable_for=suitable_for_mask(["vegetarian", "vegan"]),
            ),
        ),
        "croissant": ProductFactory(
            name="Butter croissant", category=bread, **_food(["gluten", "milk", "eggs"])
        ),
        "tart": ProductFactory(name="Fruit tart", category=bread, **_food(["gluten"], ["eggs"])),
        "juice": ProductFactory(name="Orange juice", category=bread, **_food([])),
        "fudge": ProductFactory(name="Mystery fudge", category=bread, **_food(None)),
    }


def _names(reply) -> set[str]:
    return {product["name"] for product in reply.json()["results"]}


# --- The API -----------------------------------------------------------------


def test_the_product_api_gives_allergens_as_keys_and_null_when_unknown(api_client, bakery):
    by_name = {p["name"]: p for p in api_client.get("/api/v1/products/").json()["results"]}
    detail = api_client.get(f"/api/v1/products/{bakery['croissant'].slug}/").json()

    assert by_name["Sourdough loaf"]["allergens"] == {
        "contains": ["gluten"],
        "may_contain": ["sesame"],
    }
    assert by_name["Sourdough loaf"]["ingredients"] == "Wheat flour, water, salt."
    assert by_name["Sourdough loaf"]["suitable_for"] == ["vegetarian", "vegan"]
    assert by_name["Orange juice"]["allergens"] == {"contains": [], "may_contain": []}
    assert by_name["Mystery fudge"]["allergens"] is None
    assert by_name["Mystery fudge"]["suitable_for"] == []
    # the fixed order of the 14, whatever order they were ticked in
    assert detail["allergens"] == {"contains": ["gluten", "eggs", "milk"], "may_contain": []}


def test_exclude_allergens_leaves_out_contains_may_contain_and_unknown(api_client, bakery):
    reply = api_client.get("/api/v1/products/?exclude_allergens=milk,eggs")

    assert reply.status_code == 200
    assert _names(reply) == {"Sourdough loaf", "Orange juice"}
    assert _names(api_client.get("/api/v1/products/?exclude_allergens=")) == {
        p.name for p in bakery.values()
    }
    assert _names(api_client.get("/api/v1/products/?exclude_allergens=Sesame")) == {
        "Butter croissant",
        "Fruit tart",
        "Orange juice",
    }


def test_an_unknown_allergen_name_is_a_400_naming_the_parameter(api_client, bakery):
    reply = api_client.get("/api/v1/products/?exclude_allergens=milk,chocolate")

    assert reply.status_code == 400
    assert reply.json()["field"] == "exclude_allergens"
    assert "chocolate" in str(reply.json())


def test_two_allergen_filters_never_share_a_cached_answer(api_client, client, bakery):
    milk = api_client.get("/api/v1/products/?exclude_allergens=milk")
    gluten = api_client.get("/api/v1/products/?exclude_allergens=gluten")
    page_milk = client.get("/?exclude_allergens=milk").content.decode()
    page_gluten = client.get("/?exclude_allergens=gluten").content.decode()

    assert _names(milk) == {"Sourdough loaf", "Fruit tart", "Orange juice"}
    assert _names(gluten) == {"Orange juice"}
    assert "Fruit tart" in page_milk and "Fruit tart" not in page_gluten


def test_the_filtered_list_runs_as_many_queries_as_the_unfiltered_one(
    api_client, client, bakery, django_assert_num_queries
):
    ProductFactory.create_batch(20, **_food(["celery"]))
    # the page's count and its products with their category, their pictures
    with django_assert_num_queries(3):
        assert api_client.get("/api/v1/products/?exclude_allergens=milk").status_code == 200
    # categories with counts, the page's count, the page's products, their pictures
    with django_assert_num_queries(4):
        assert client.get("/?exclude_allergens=milk&exclude_allergens=eggs").status_code == 200


# --- The catalogue page ----------------------------------------------------------


def test_the_catalogue_filter_works_with_checkboxes_and_keeps_to_the_other_filters(client, bakery):
    page = client.get("/?exclude_allergens=milk&exclude_allergens=eggs&exclude_allergens=x")
    html = page.content.decode()

    assert page.status_code == 200
    assert "Sourdough loaf" in html and "Orange juice" in html
    for gone in ("Butter croissant", "Fruit tart", "Mystery fudge"):
        assert gone not in html
    assert 'name="exclude_allergens" value="milk" checked' in html
    assert 'name="exclude_allergens" value="gluten">' in html
    assert "Without Eggs, Milk" in html
    assert "?category=bread&amp;exclude_allergens=eggs,milk" in html  # the category chip keeps it


def test_the_catalogue_says_so_when_nothing_is_free_of_the_allergens(client, bakery):
    html = client.get("/?exclude_allergens=gluten,celery,sulphites&q=croissant").content.decode()
    assert "Nothing matches" in html
    html = client.get("/?exclude_allergens=gluten&category=bread").content.decode()
    assert "Orange juice" in html


# --- Shown before purchase -----------------------------------------------------


def test_the_product_page_shows_allergens_ingredients_and_diets(client, bakery):
    html = client.get(f"/products/{bakery['loaf'].slug}/").content.decode()

    assert "Cereals containing gluten" in html
    assert "May contain" in html and "Sesame" in html
    assert "Wheat flour, water, salt." in html
    assert "Vegetarians, Vegans" in html
    assert "Add to cart" in html


def test_a_product_without_allergen_information_says_ask_the_shop(client, bakery):
    html = client.get(f"/products/{bakery['fudge'].slug}/").content.decode()
    none = client.get(f"/products/{bakery['juice'].slug}/").content.decode()

    assert "Ask the shop" in html
    assert "Add to cart" in html  # SELL_WITHOUT_ALLERGEN_INFO is on by default
    assert "None of the 14 major allergens" in none and "Ask the shop" not in none


def test_the_cart_page_and_api_and_checkout_page_show_allergens(client, api_client, bakery):
    user = UserFactory()
    cart = CartFactory(user=user)
    CartLineFactory(cart=cart, product=bakery["croissant"])
    CartLineFactory(cart=cart, product=bakery["fudge"])
    client.force_login(user)
    api_client.force_authenticate(user)

    cart_page = client.get("/cart/").content.decode()
    checkout_page = client.get("/checkout/").content.decode()
    lines = {ln["product"]["name"]: ln for ln in api_client.get("/api/v1/cart/").json()["lines"]}

    for html in (cart_page, checkout_page):
        assert "Contains: <strong>Cereals containing gluten</strong>, <strong>Eggs</strong>" in html
        assert "Allergens: ask the shop" in html
    assert lines["Butter croissant"]["product"]["allergens"] == {
        "contains": ["gluten", "eggs", "milk"],
        "may_contain": [],
    }
    assert lines["Mystery fudge"]["product"]["allergens"] is None
    assert lines["Mystery fudge"]["allergen_info_missing"] is False


# --- The slip and the prep list ------------------------------------------------


def test_the_slip_shows_the_allergens_as_sold_and_the_prep_list_shows_them(
    client, api_client, bakery
):
    slot = SlotFactory(kind="pickup")
    order = place_order(products=[bakery["tart"], bakery["fudge"]], slot=slot)
    order = order_transition(order=order, to=Order.Status.PAID, by=None)
    Product.objects.filter(pk=bakery["tart"].pk).update(allergens_may_contain=0)  # recipe change
    staff = role_member("staff")
    client.force_login(staff)
    api_client.force_authenticate(staff)

    slip = client.get(f"/staff/orders/{order.number}/slip/").content.decode()
    day = slot.starts_at.astimezone().date().isoformat()
    prep = client.get(f"/staff/prep/?date={day}").content.decode()
    prep_api = api_client.get(f"/api/v1/staff/prep/?date={day}").json()

    assert OrderLine.objects.get(order=order, product=bakery["tart"]).allergens == {
        "contains": ["gluten"],
        "may_contain": ["eggs"],
    }
    assert "May contain: Eggs" in slip  # as sold, not as the product reads now
    assert "Allergens: ask the shop" in slip
    assert "Cereals containing gluten" in prep and "Allergens: ask the shop" in prep
    allergens = {p["name"]: p["allergens"] for p in prep_api["products"]}
    assert allergens == {
        "Fruit tart": {"contains": ["gluten"], "may_contain": []},
        "Mystery fudge": None,
    }


# --- SELL_WITHOUT_ALLERGEN_INFO off ---------------------------------------------


@pytest.fixture
def strict(settings):
    settings.SELL_WITHOUT_ALLERGEN_INFO = False


def test_a_strict_shop_refuses_to_put_an_unknown_product_in_a_cart(
    api_client, client, bakery, strict
):
    user = UserFactory()
    api_client.force_authenticate(user)

    reply = api_client.post(
        "/api/v1/cart/items/", {"product": bakery["fudge"].pk, "quantity": 1}, format="json"
    )
    page = client.post("/cart/add/", {"product": bakery["fudge"].pk, "quantity": 1}, follow=True)
    known = api_client.post(
        "/api/v1/cart/items/", {"product": bakery["loaf"].pk, "quantity": 1}, format="json"
    )

    assert reply.status_code == 409
    assert reply.json()["code"] == "allergen_info_missing"
    assert reply.json()["field"] == "product"
    assert "Mystery fudge" in reply.json()["detail"]
    assert "Mystery fudge" in page.content.decode() and "Ask the shop" in page.content.decode()
    assert known.status_code == 201
    assert list(CartLine.objects.values_list("product__name", flat=True)) == ["Sourdough loaf"]


def test_a_strict_shop_refuses_the_checkout_and_nothing_changes(api_client, bakery, strict):
    user = UserFactory()
    cart = CartFactory(user=user)
    CartLineFactory(cart=cart, product=bakery["loaf"], quantity=2)
    CartLineFactory(cart=cart, product=bakery["fudge"], quantity=1)  # in before the change
    slot = SlotFactory(kind="pickup", capacity=3)
    api_client.force_authenticate(user)

    cart_reply = api_client.get("/api/v1/cart/").json()
    reply = api_client.post(
        "/api/v1/orders/",
        {"slot": slot.pk, "address": None},
        format="json",
        headers={"Idempotency-Key": "k1"},
    )

    assert reply.status_code == 409
    assert reply.json()["code"] == "allergen_info_missing"
    assert reply.json()["field"] == "lines"
    assert "Mystery fudge" in reply.json()["detail"]
    assert [ln["allergen_info_missing"] for ln in cart_reply["lines"]] == [False, True]
    assert cart_reply["has_problems"] is True
    assert not Order.objects.exists()
    assert CartLine.objects.filter(cart=cart).count() == 2
    assert Product.objects.get(pk=bakery["loaf"].pk).stock == bakery["loaf"].stock
    slot.refresh_from_db()
    assert slot.reserved == 0


def test_a_strict_shop_shows_ask_the_shop_and_no_add_button(client, bakery, strict):
    html = client.get(f"/products/{bakery['fudge'].slug}/").content.decode()
    known = client.get(f"/products/{bakery['loaf'].slug}/").content.decode()

    assert "Ask the shop" in html
    assert "Add to cart" not in html
    assert "Add to cart" in known


def test_a_strict_shop_still_sells_what_is_known(bakery, strict):
    order = place_order(products=[bakery["juice"], bakery["croissant"]])

    assert order.status == Order.Status.PENDING_PAYMENT
    assert order.lines.count() == 2


# --- Admin and the catalogue sheet ---------------------------------------------


def test_a_manager_ticks_allergens_in_the_admin(client, bakery):
    client.force_login(role_member(MANAGER))
    url = f"/admin/orders/product/{bakery['fudge'].pk}/change/"
    page = client.get(url)

    saved = client.post(
        url,
        change_form_data(
            page,
            allergens_unknown="",
            contains=["milk", "nuts"],
            may_contain=["peanuts"],
            suitable=["vegetarian"],
            ingredients="Sugar, butter (milk), hazelnuts.",
        ),
    )
    fudge = Product.objects.get(pk=bakery["fudge"].pk)

    assert saved.status_code == 302
    assert fudge.allergens == {"contains": ["milk", "nuts"], "may_contain": ["peanuts"]}
    assert [entry.key for entry in fudge.suitable] == ["vegetarian"]
    assert fudge.ingredients == "Sugar, butter (milk), hazelnuts."


def test_the_admin_refuses_an_allergen_both_contained_and_maybe(client, bakery):
    client.force_login(role_member(MANAGER))
    url = f"/admin/orders/product/{bakery['loaf'].pk}/change/"
    page = client.get(url)
    data = change_form_data(page)
    data.pop("allergens_unknown", None)

    refused = client.post(url, {**data, "contains": ["milk"], "may_contain": ["milk"]})
    traces = client.post(url, {**data, "allergens_unknown": "on", "contains": []})
    unknown = client.post(
        url, {**data, "allergens_unknown": "on", "contains": [], "may_contain": []}
    )

    assert refused.status_code == 200
    assert "marked both as" in refused.content.decode()
    assert traces.status_code == 200
    assert "Allergens not known, yet some are marked" in traces.content.decode()
    assert unknown.status_code == 302
    loaf = Product.objects.get(pk=bakery["loaf"].pk)
    assert loaf.allergens is None


HEADER = ["sku", "name", "slug", "category", "price", "contains", "may_contain", "suitable_for"]


def _import(client, *rows):
    sheet = tablib.Dataset(*rows, headers=HEADER)
    preview = client.post(
        "/admin/orders/product/import/",
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile("c.csv", sheet.export("csv").encode()),
        },
    )
    return preview


def test_the_catalogue_sheet_carries_the_allergens(client, bakery):
    client.force_login(role_member(MANAGER))
    rows = [
        ("NEW-1", "Rye", "rye", "bread", "4.00", "gluten, Milk", "sesame", "vegan"),
        ("NEW-2", "Water", "water", "bread", "1.00", "none", "", ""),
        ("NEW-3", "Toffee", "toffee", "bread", "2.00", "", "", ""),
    ]
    preview = _import(client, *rows)
    client.post("/admin/orders/product/process_import/", preview.context["confirm_form"].initial)
    bad = _import(client, ("NEW-4", "Pie", "pie", "bread", "3.00", "gluten, meat", "", ""))
    columns = ["sku", "allergens_contains", "allergens_may_contain", "contains", "may_contain"]
    exported = client.post(
        "/admin/orders/product/export/",
        {"format": "0", "resource": "0"} | {f"productresource_{name}": "on" for name in columns},
    )

    by_sku = {p.sku: p for p in Product.objects.filter(sku__startswith="NEW-")}
    assert by_sku["NEW-1"].allergens == {"contains": ["gluten", "milk"], "may_contain": ["sesame"]}
    assert by_sku["NEW-2"].allergens == {"contains": [], "may_contain": []}
    assert by_sku["NEW-3"].allergens is None
    assert "NEW-4" not in by_sku
    assert "meat" in bad.content.decode()
    sheet = exported.content.decode()
    assert "gluten, milk" in sheet and ",none," in sheet


def test_every_demo_product_has_food_information_and_one_asks_the_shop():
    seed_catalogue()

    products = Product.objects.filter(sku__in=[row[0] for row in DEMO_PRODUCTS])
    croissant = products.get(name="Butter croissant")

    assert all(product.ingredients for product in products if product.allergens_known)
    assert [p.name for p in products if not p.allergens_known] == ["Hot chocolate flakes"]
    assert croissant.allergens["contains"] == ["gluten", "eggs", "milk"]
    assert Decimal(croissant.price) == Decimal("1.90")
