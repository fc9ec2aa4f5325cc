"""Delivery areas in a real browser: a visitor asks "Do you deliver to me?" on the catalogue
(htmx answers in place), a customer outside every zone is told so in the cart and at
checkout, and one inside sees the fee and what more buys free delivery."""

import pytest

from orders.demo import seed_catalogue, seed_delivery_zones
from orders.models import OptionChoice, Product
from tests.factories import (
    PASSWORD,
    AddressFactory,
    CartFactory,
    CartLineFactory,
    SlotFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {"desktop": 1280, "phone": 390}


def _sign_in(page, user):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()


@pytest.mark.parametrize("width", WIDTHS)
def test_delivery_areas_in_the_browser(page, screenshot, width):
    seed_catalogue()
    seed_delivery_zones()
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})

    page.goto("/")
    page.fill("#delivery-postcode", "e5 8aa")
    page.click("#delivery-box button[type=submit]")
    page.wait_for_selector("text=Yes, we deliver to E5 8AA.")
    assert page.url.endswith("/")  # answered in place by htmx
    assert "Minimum order £20.00." in page.locator("#delivery-box").inner_text()
    screenshot(f"delivery-catalogue-box-{width}")

    user = UserFactory(email=f"ada-{width}@example.com", name="Ada")
    home = AddressFactory(user=user, label="Home", line1="1 Bakery Lane", postcode="EC1A 1BB")
    AddressFactory(user=user, label="Aunt", line1="9 Far Road", postcode="N1 9GU")
    cart = CartFactory(user=user)
    whole = OptionChoice.objects.get(group__product__sku="BRD-001", name="Whole")
    CartLineFactory(
        cart=cart,
        product=Product.objects.get(sku="BRD-001"),
        quantity=3,
        choices_key=str(whole.pk),
    )
    SlotFactory(kind="delivery", hours_ahead=30, capacity=4)
    _sign_in(page, user)

    page.goto("/cart/")
    cart_text = page.locator("#cart").inner_text()
    assert "Delivery to EC1A 1BB: £2.50" in cart_text
    assert "£25.60 more for free delivery." in cart_text
    screenshot(f"delivery-cart-{width}")

    page.goto("/checkout/?kind=delivery")
    assert page.locator(f"input[name=address][value='{home.pk}']").is_checked()
    assert page.locator("label.choice.unavailable input").is_disabled()
    assert "We don't deliver to N1 9GU yet." in page.locator(".checkout").inner_text()
    assert not page.console_errors
    screenshot(f"delivery-checkout-{width}")


def test_a_customer_outside_every_zone_is_told_in_the_cart(page, screenshot):
    seed_catalogue()
    seed_delivery_zones()
    user = UserFactory(email="far@example.com")
    AddressFactory(user=user, postcode="M1 1AE")
    cart = CartFactory(user=user)
    whole = OptionChoice.objects.get(group__product__sku="BRD-001", name="Whole")
    CartLineFactory(
        cart=cart,
        product=Product.objects.get(sku="BRD-001"),
        quantity=1,
        choices_key=str(whole.pk),
    )
    _sign_in(page, user)
    page.goto("/cart/")
    assert "We don't deliver to your address (M1 1AE) yet" in page.locator("#cart").inner_text()
    screenshot("delivery-cart-outside-1280")
