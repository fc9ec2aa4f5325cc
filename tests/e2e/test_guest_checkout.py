"""A visitor without an account checks out as a guest in the browser, pays, and opens the
order again by the link in its email."""

import re
from decimal import Decimal

import pytest

from orders.models import Order
from tests.factories import ProductFactory, SlotFactory

SANDBOX_PAGE = re.compile(r"/payments/sandbox/[^/]+/\?link=")
LINK = re.compile(r"http://[^/\s]+(/guest/orders/[^/\s]+/)")

pytestmark = pytest.mark.django_db(transaction=True)


def _fits(page, width):
    page.set_viewport_size({"width": width, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_guest_checks_out_pays_and_opens_the_order_by_its_link(
    page, screenshot, settings, mailoutbox
):
    settings.GUEST_CHECKOUT = True
    loaf = ProductFactory(name="Country sourdough", price=Decimal("4.80"), stock=10)
    slot = SlotFactory(kind="delivery", hours_ahead=20, capacity=4)

    page.goto(f"/products/{loaf.slug}/")
    page.locator("form.add-form button[type=submit]").click()
    page.locator(".add-result").filter(has_text="added").wait_for()
    page.goto("/checkout/")
    assert "Sign in" in page.locator(".guest-sign-in").inner_text()
    screenshot("guest-checkout")
    _fits(page, 390)
    screenshot("guest-checkout-390")
    page.set_viewport_size({"width": 1280, "height": 800})

    page.fill("input[name=email]", "sam@example.com")
    page.fill("input[name=name]", "Sam Baker")
    page.fill("input[name=phone]", "020 7946 0000")
    page.fill("input[name=line1]", "1 Mill Lane")
    page.fill("input[name=city]", "London")
    page.fill("input[name=postcode]", "sw1a1aa")
    page.check(f"input[name=slot][value='{slot.pk}']")
    page.click("button.place-order")
    page.wait_for_url(SANDBOX_PAGE)
    page.click("button[value=pay]")
    page.wait_for_url(re.compile(r"/guest/orders/"))

    order = Order.objects.get()
    assert order.user is None and order.delivery_postcode == "SW1A 1AA"
    link = LINK.search(mailoutbox[0].body).group(1)
    page.goto(link)
    assert f"Order {order.number}" in page.locator("h1").inner_text()
    assert "Paid" in page.locator(".order-status").inner_text()
    screenshot("guest-order")
    _fits(page, 390)
    screenshot("guest-order-390")
    assert page.console_errors == []
