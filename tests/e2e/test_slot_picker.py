"""The checkout slot picker in a browser, with the demo opening hours: fits a phone."""

import re
from decimal import Decimal

import pytest

from orders.demo import seed_opening_hours
from tests.factories import (
    PASSWORD,
    AddressFactory,
    CartFactory,
    CartLineFactory,
    ProductFactory,
    UserFactory,
)

SANDBOX_PAGE = re.compile(r"/payments/sandbox/[^/]+/\?link=")

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_place_order_is_in_reach_on_a_phone_with_two_weeks_of_slots(page, screenshot, width):
    seed_opening_hours()
    user = UserFactory(email="ada@example.com")
    AddressFactory(user=user, label="Home", line1="1 Bakery Lane", city="London")
    cart = CartFactory(user=user)
    CartLineFactory(
        cart=cart, product=ProductFactory(name="Country sourdough", price=Decimal("4.80"))
    )
    page.set_viewport_size({"width": width, "height": 844})
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()

    page.goto("/checkout/")
    screenshot(f"picker-delivery-{width}")
    page.click("text=Pickup in the shop")
    page.locator(".day-strip a").nth(2).click()
    screenshot(f"picker-pickup-{width}")

    assert page.evaluate("document.documentElement.scrollWidth") <= width
    button = page.locator("button.place-order").bounding_box()
    # a few thumb-scrolls (the coupon, the note and allergen lines come first), not 5,500 px
    assert button["y"] < 2400, button
    page.locator("input[name=slot]:not([disabled])").first.check()
    page.click("button.place-order")
    page.wait_for_url(SANDBOX_PAGE)
