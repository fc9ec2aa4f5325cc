"""The cart in the browser: plain form posts without JavaScript, fragments with htmx."""

from decimal import Decimal

import pytest

from orders.models import Cart, CartLine
from tests.factories import (
    PASSWORD,
    CartFactory,
    CartLineFactory,
    CategoryFactory,
    ProductFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _guest_lines(client):
    cart_id = client.session.get("cart_id")
    return sorted(CartLine.objects.filter(cart_id=cart_id).values_list("product_id", "quantity"))


def _user_lines(user):
    return sorted(CartLine.objects.filter(cart__user=user).values_list("product_id", "quantity"))


def test_a_guest_adds_to_the_cart_with_a_plain_form_and_sees_it(client):
    product = ProductFactory(name="Seeded rye", price=Decimal("5.20"))

    response = client.post("/cart/add/", {"product": product.pk, "quantity": 2, "next": "/?page=1"})

    assert response.status_code == 302
    assert response["Location"] == "/?page=1"
    assert _guest_lines(client) == [(product.pk, 2)]
    cart_page = client.get("/cart/")
    html = cart_page.content.decode()
    assert "Seeded rye" in html
    assert "£10.40" in html
    assert 'id="cart-link"' in html
    assert ">2</span>" in html  # the badge


def test_adding_never_redirects_to_another_site(client):
    product = ProductFactory()

    response = client.post(
        "/cart/add/", {"product": product.pk, "quantity": 1, "next": "https://evil.example/"}
    )

    assert response["Location"] == "/cart/"


@pytest.mark.parametrize("quantity", ["0", "-1", "100", "abc", ""])
def test_a_bad_quantity_on_the_page_is_a_message_and_changes_nothing(client, quantity):
    product = ProductFactory()

    response = client.post("/cart/add/", {"product": product.pk, "quantity": quantity}, follow=True)

    assert response.status_code == 200
    assert "Quantity" in response.content.decode() or "quantity" in response.content.decode()
    assert _guest_lines(client) == []


def test_an_inactive_product_cannot_be_added_from_a_page(client):
    product = ProductFactory(is_active=False)

    response = client.post("/cart/add/", {"product": product.pk, "quantity": 1}, follow=True)

    assert "This product is not available." in response.content.decode()
    assert _guest_lines(client) == []


def test_htmx_add_returns_a_message_and_swaps_the_badge_out_of_band(client):
    product = ProductFactory(name="Brownie")

    response = client.post("/cart/add/", {"product": product.pk, "quantity": 3}, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Brownie (3) added to your cart." in html
    assert 'id="cart-link"' in html
    assert 'hx-swap-oob="true"' in html
    assert ">3</span>" in html
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_htmx_add_with_a_bad_quantity_shows_the_error_in_place(client):
    product = ProductFactory()

    response = client.post("/cart/add/", {"product": product.pk, "quantity": 100}, **HTMX)

    assert "Quantity must be at most 99." in response.content.decode()
    assert _guest_lines(client) == []


def test_cart_page_changes_and_removes_lines_with_plain_forms(client):
    user = UserFactory()
    client.force_login(user)
    line = CartLineFactory(cart=CartFactory(user=user), product__price=Decimal("3.00"))

    changed = client.post(f"/cart/lines/{line.pk}/", {"quantity": 4}, follow=True)
    assert changed.redirect_chain == [("/cart/", 302)]
    assert "£12.00" in changed.content.decode()
    assert _user_lines(user) == [(line.product_id, 4)]

    removed = client.post(f"/cart/lines/{line.pk}/remove/", follow=True)
    assert "Your cart is empty." in removed.content.decode()
    assert _user_lines(user) == []


def test_htmx_update_swaps_the_cart_fragment_and_the_badge(client):
    user = UserFactory()
    client.force_login(user)
    cart = CartFactory(user=user)
    line = CartLineFactory(cart=cart, product__price=Decimal("1.50"), quantity=1)
    CartLineFactory(cart=cart, product__price=Decimal("2.00"), quantity=1)

    response = client.post(f"/cart/lines/{line.pk}/", {"quantity": 5}, **HTMX)

    html = response.content.decode()
    assert html.startswith('<section id="cart"')
    assert "£7.50" in html  # the line
    assert "£9.50" in html  # the total
    assert 'id="cart-link" class="cart-link" href="/cart/" hx-swap-oob="true"' in html
    assert ">6</span>" in html


def test_htmx_update_to_a_bad_quantity_shows_an_error_and_keeps_the_line(client):
    user = UserFactory()
    client.force_login(user)
    line = CartLineFactory(cart=CartFactory(user=user), quantity=2)

    response = client.post(f"/cart/lines/{line.pk}/", {"quantity": 0}, **HTMX)

    assert "Quantity must be at least 1." in response.content.decode()
    line.refresh_from_db()
    assert line.quantity == 2


def test_htmx_remove_swaps_in_the_empty_cart(client):
    user = UserFactory()
    client.force_login(user)
    line = CartLineFactory(cart=CartFactory(user=user))

    response = client.post(f"/cart/lines/{line.pk}/remove/", **HTMX)

    assert "Your cart is empty." in response.content.decode()
    assert not CartLine.objects.filter(pk=line.pk).exists()


def test_another_customers_line_is_a_404_on_the_cart_pages(client):
    user = UserFactory()
    client.force_login(user)
    CartFactory(user=user)
    theirs = CartLineFactory(quantity=2)

    assert client.post(f"/cart/lines/{theirs.pk}/", {"quantity": 9}).status_code == 404
    assert client.post(f"/cart/lines/{theirs.pk}/remove/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.quantity == 2


def test_a_guest_cannot_touch_a_signed_in_customers_line(client):
    theirs = CartLineFactory(quantity=2)
    client.post("/cart/add/", {"product": ProductFactory().pk, "quantity": 1})

    assert client.post(f"/cart/lines/{theirs.pk}/remove/").status_code == 404
    assert CartLine.objects.filter(pk=theirs.pk).exists()


def test_the_cart_page_flags_lines_that_went_out_of_stock_or_inactive(client):
    user = UserFactory()
    client.force_login(user)
    cart = CartFactory(user=user)
    CartLineFactory(cart=cart, product__name="Sold out bun", product__stock=0)
    CartLineFactory(cart=cart, product__name="Retired roll", product__is_active=False)

    html = client.get("/cart/").content.decode()

    assert "Out of stock" in html
    assert "No longer available" in html
    assert "Some lines need your attention" in html


def test_a_guest_adds_signs_in_and_finds_the_lines_merged(client):
    user = UserFactory()
    cart = CartFactory(user=user)
    both = ProductFactory()
    guest_only = ProductFactory()
    near_cap = ProductFactory()
    CartLineFactory(cart=cart, product=both, quantity=2)
    CartLineFactory(cart=cart, product=near_cap, quantity=90)
    client.post("/cart/add/", {"product": both.pk, "quantity": 3})
    client.post("/cart/add/", {"product": guest_only.pk, "quantity": 1})
    client.post("/cart/add/", {"product": near_cap.pk, "quantity": 20})
    guest_cart_id = client.session["cart_id"]

    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert _user_lines(user) == sorted([(both.pk, 5), (guest_only.pk, 1), (near_cap.pk, 99)])
    assert not Cart.objects.filter(pk=guest_cart_id).exists()
    assert "cart_id" not in client.session
    assert ">105</span>" in client.get("/cart/").content.decode()


def test_a_guest_with_no_cart_signs_in_and_keeps_their_own_cart(client):
    user = UserFactory()
    line = CartLineFactory(cart=CartFactory(user=user), quantity=4)

    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})

    assert _user_lines(user) == [(line.product_id, 4)]


@pytest.mark.parametrize("rows", [1, 30])
def test_cart_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries, rows):
    user = UserFactory()
    client.force_login(user)
    cart = CartFactory(user=user)
    category = CategoryFactory()
    for product in ProductFactory.create_batch(rows, category=category):
        CartLineFactory(cart=cart, product=product)
    client.get("/cart/")  # allauth records the browser session on its first request

    # user, cart, lines with their products (none has options) and the customer's first
    # address (for the delivery fee; with one, also the delivery zones), the cart badge's
    # count, the inbox badge's count; the session itself comes from the cache, and its
    # activity was recorded on the first request (accounts.middleware)
    with django_assert_num_queries(5):
        response = client.get("/cart/")
    assert len(response.context["cart"].lines) == rows


@pytest.mark.parametrize("rows", [1, 30])
def test_a_guests_cart_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries, rows):
    products = ProductFactory.create_batch(rows, category=CategoryFactory())
    for product in products:
        client.post("/cart/add/", {"product": product.pk, "quantity": 1})

    # cart, lines with their products (none has options), the badge's count (the session is
    # in the cache)
    with django_assert_num_queries(3):
        response = client.get("/cart/")
    assert len(response.context["cart"].lines) == rows


def test_the_cart_leads_to_checkout_only_when_every_line_can_be_bought(client):
    user = UserFactory()
    line = CartLineFactory(cart__user=user, product__stock=5, quantity=2)
    client.force_login(user)

    assert 'href="/checkout/"' in client.get("/cart/").content.decode()

    line.product.stock = 1
    line.product.save()
    html = client.get("/cart/").content.decode()
    assert 'href="/checkout/"' not in html
    assert '<button type="button" disabled>Check out</button>' in html


def test_adding_more_than_is_left_on_the_page_says_how_many_and_adds_nothing(client):
    product = ProductFactory(name="Spelt loaf", stock=3)

    response = client.post("/cart/add/", {"product": product.pk, "quantity": 5}, follow=True)

    assert "Only 3 of Spelt loaf left." in response.content.decode()
    assert "added" not in response.content.decode()
    assert not CartLine.objects.exists()


def test_the_cart_page_total_leaves_out_lines_that_cannot_be_bought(client):
    user = UserFactory()
    client.force_login(user)
    cart = CartFactory(user=user)
    CartLineFactory(cart=cart, product__price=Decimal("2.00"), quantity=2)
    CartLineFactory(cart=cart, product__price=Decimal("9.00"), product__is_active=False)

    response = client.get("/cart/")

    assert response.context["cart"].total == Decimal("4.00")
