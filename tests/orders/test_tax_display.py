"""Every page and API reply says whether prices include tax, and shows the same figures."""

from decimal import Decimal

import pytest

from tests.factories import (
    CartFactory,
    CartLineFactory,
    CouponFactory,
    OrderFactory,
    ProductFactory,
    SlotFactory,
    UserFactory,
    place_order,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(client):
    user = UserFactory()
    client.force_login(user)
    return user


@pytest.fixture
def wine():
    return ProductFactory(
        name="Rioja", slug="rioja", price=Decimal("8.99"), tax_rate=Decimal("0.2")
    )


def test_catalogue_and_product_pages_label_prices_incl_vat(client, wine):
    home = client.get("/").content.decode()
    product = client.get("/products/rioja/").content.decode()

    assert '£8.99 <small class="muted tax-note">incl. VAT</small>' in home
    assert '<span class="muted tax-note">incl. VAT (20%)</span>' in product


def test_pages_say_plus_tax_when_prices_exclude_it(client, wine, settings):
    settings.PRICES_INCLUDE_TAX = False
    settings.TAX_LABEL = "tax"

    assert (
        '£8.99 <small class="muted tax-note">plus tax</small>' in client.get("/").content.decode()
    )
    assert "plus tax (20%)" in client.get("/products/rioja/").content.decode()


def test_cart_page_shows_the_vat_in_the_total(client, customer, wine):
    CartLineFactory(cart=CartFactory(user=customer), product=wine, quantity=2)

    html = client.get("/cart/").content.decode()

    assert '<p class="muted tax-note">Prices incl. VAT.</p>' in html
    assert 'incl. VAT</span></th><td class="num cart-total">£17.98<' in html
    # 17.98 x 0.2 / 1.2 = 2.9967 -> 3.00
    assert 'Includes VAT</th><td class="num muted cart-tax">£3.00<' in html


def test_cart_page_adds_vat_on_top_when_prices_exclude_it(client, customer, wine, settings):
    settings.PRICES_INCLUDE_TAX = False
    CartLineFactory(cart=CartFactory(user=customer), product=wine, quantity=2)

    html = client.get("/cart/").content.decode()

    assert 'Subtotal <span class="muted">plus VAT</span>' in html
    assert '<td class="num cart-tax">£3.60<' in html  # 17.98 x 0.2 = 3.596
    assert '<td class="num cart-total">£21.58<' in html
    assert "Includes VAT" not in html


@pytest.mark.parametrize(
    ("include", "tax", "total"), [(True, "3.00", "17.98"), (False, "3.60", "21.58")]
)
def test_cart_api_money_is_strings_and_says_which_mode(
    api_client, wine, settings, include, tax, total
):
    settings.PRICES_INCLUDE_TAX = include
    user = UserFactory()
    CartLineFactory(cart=CartFactory(user=user), product=wine, quantity=2)
    api_client.force_authenticate(user)

    body = api_client.get("/api/v1/cart/").json()

    assert body["prices_include_tax"] is include
    assert (body["subtotal"], body["tax"], body["total"]) == ("17.98", tax, total)


def test_order_page_and_list_label_an_order_placed_with_vat_included(client, customer, wine):
    CouponFactory(code="TENOFF", kind="percent", value=Decimal("10"))
    order = place_order(user=customer, products=[wine], quantity=2, coupon_code="TENOFF")
    # 17.98 - 1.80 = 16.18 (pickup), VAT in it 2.6967 -> 2.70.
    assert (order.total, order.tax) == (Decimal("16.18"), Decimal("2.70"))

    html = client.get(order.get_absolute_url()).content.decode()
    listing = client.get("/orders/").content.decode()

    assert "Prices incl. VAT." in html
    assert 'class="num order-total">£16.18<' in html
    assert 'Includes VAT</th><td class="num muted order-tax">£2.70<' in html
    assert "\u2212£1.80" in html  # the coupon
    assert 'Total <span class="muted">incl. VAT</span>' in listing


def test_an_order_placed_with_tax_on_top_keeps_saying_so_after_the_setting_changes(
    client, customer
):
    order = OrderFactory(user=customer)  # 10.00 + 2.00 tax + 4.50 delivery = 16.50

    html = client.get(order.get_absolute_url()).content.decode()

    assert "Prices plus VAT." in html
    assert 'VAT</th><td class="num order-tax">£2.00<' in html
    assert "Includes VAT" not in html


def test_order_api_says_which_mode_each_order_was_placed_in(api_client, wine):
    user = UserFactory()
    new = place_order(user=user, products=[wine], slot=SlotFactory(kind="pickup"))
    old = OrderFactory(user=user)
    api_client.force_authenticate(user)

    bodies = {o["number"]: o for o in api_client.get("/api/v1/orders/").json()["results"]}

    assert bodies[new.number]["prices_include_tax"] is True
    assert bodies[new.number]["total"] == "8.99"
    assert bodies[new.number]["tax"] == "1.50"  # 8.99 / 6 = 1.4983
    assert bodies[old.number]["prices_include_tax"] is False
    assert bodies[old.number]["total"] == "16.50"
