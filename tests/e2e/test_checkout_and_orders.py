"""A customer checks out in the browser, sees the order page, and cancels the order."""

import re
from decimal import Decimal

import pytest

from orders.models import Order, Product, Slot
from tests.factories import (
    PASSWORD,
    AddressFactory,
    CartFactory,
    CartLineFactory,
    ProductFactory,
    SlotFactory,
    UserFactory,
)

SANDBOX_PAGE = re.compile(r"/payments/sandbox/[^/]+/\?link=")

pytestmark = pytest.mark.django_db(transaction=True)


def test_checkout_in_the_browser_places_an_order_and_it_can_be_cancelled(page, screenshot):
    user = UserFactory(email="ada@example.com", name="Ada")
    AddressFactory(user=user, label="Home", line1="1 Bakery Lane", city="London")
    cart = CartFactory(user=user)
    loaf = ProductFactory(name="Country sourdough", price=Decimal("4.80"), stock=10)
    CartLineFactory(cart=cart, product=loaf, quantity=2)
    CartLineFactory(
        cart=cart, product=ProductFactory(name="Butter croissant", price=Decimal("1.90"))
    )
    for hours in (20, 22, 44):
        SlotFactory(kind="delivery", hours_ahead=hours, capacity=4)
    pickup = SlotFactory(kind="pickup", hours_ahead=21, capacity=10)
    full = SlotFactory(kind="pickup", hours_ahead=23, capacity=1)
    Slot.objects.filter(pk=full.pk).update(reserved=1)

    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()

    page.goto("/checkout/")
    assert page.locator("h1").inner_text() == "Checkout"
    screenshot("checkout")

    page.click("text=Pickup in the shop")
    page.check("input[name=address][value=pickup]")
    page.check(f"input[name=slot][value='{pickup.pk}']")
    page.fill("input[name=coupon]", "")
    page.click("button.place-order")
    page.wait_for_url(SANDBOX_PAGE)

    order = Order.objects.get()
    assert f"Order {order.number}" in page.locator("h2").first.inner_text()
    screenshot("sandbox-payment")
    page.click("button[value=decline]")
    page.wait_for_url(f"**/orders/{order.number}/")
    assert page.locator("h1").inner_text() == f"Order {order.number}"
    assert "Waiting for payment" in page.content()
    assert "did not go through" in page.content()
    screenshot("order-detail")
    assert Product.objects.get(pk=loaf.pk).stock == 8

    page.click("text=Cancel this order")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Cancel this order?"
    screenshot("order-cancel-confirm")
    page.click("text=Yes, cancel the order")
    page.wait_for_load_state()
    assert f"Order {order.number} is cancelled." in page.content()
    screenshot("order-cancelled")
    assert Product.objects.get(pk=loaf.pk).stock == 10

    page.goto("/orders/")
    assert order.number in page.locator("table").inner_text()
    screenshot("order-history")
    assert page.console_errors == []


def test_a_customer_pays_in_the_sandbox_and_the_order_page_shows_it_paid(page, screenshot):
    user = UserFactory(email="grace@example.com", name="Grace")
    CartLineFactory(
        cart=CartFactory(user=user),
        product=ProductFactory(name="Rye loaf", price=Decimal("3.90")),
        quantity=2,
    )
    pickup = SlotFactory(kind="pickup", hours_ahead=26, capacity=5)

    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    page.goto("/checkout/?kind=pickup")
    page.check("input[name=address][value=pickup]")
    page.check(f"input[name=slot][value='{pickup.pk}']")
    page.click("button.place-order")
    page.wait_for_url(SANDBOX_PAGE)

    order = Order.objects.get()
    assert "Rye loaf" in page.content()
    page.set_viewport_size({"width": 390, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("sandbox-payment-390")
    page.click("button[value=pay]")
    page.wait_for_url(f"**/orders/{order.number}/?payment=returned")

    assert page.locator(".order-status").inner_text().strip() == "Paid"
    assert page.locator(".pay-button").count() == 0
    screenshot("order-paid")
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert page.console_errors == []
