"""A customer browses, searches, adds to the cart and changes it, with JavaScript on and off."""

import pytest

from orders.demo import seed_catalogue
from orders.models import CartLine, Product

pytestmark = pytest.mark.django_db(transaction=True)


def test_with_htmx_a_customer_browses_searches_and_fills_the_cart(page, screenshot):
    seed_catalogue()

    page.goto("/")
    page.wait_for_function("window.htmx !== undefined")
    assert page.locator(".product-card").count() == 12
    screenshot("catalogue")

    page.fill("#search", "croissant")
    page.click(".search-form button")
    page.wait_for_url("**/?q=croissant")
    assert page.locator(".product-card").count() == 2
    screenshot("catalogue-search")

    card = page.locator(".product-card", has_text="Almond croissant")
    card.locator("input[name=quantity]").fill("3")
    card.locator("button", has_text="Add to cart").click()
    page.wait_for_selector(".add-ok")
    assert "Almond croissant (3) added" in card.locator(".add-result").inner_text()
    assert page.locator("#cart-link .badge").inner_text() == "3"
    assert page.url.endswith("/?q=croissant")  # htmx: no page load

    page.click("text=Almond croissant")
    page.wait_for_url("**/products/almond-croissant/")
    screenshot("product")

    page.click("#cart-link")
    page.wait_for_url("**/cart/")
    page.fill("input[name=quantity]", "5")
    page.click("button:has-text('Update')")
    page.wait_for_selector("#cart .message:has-text('Your cart is updated.')")
    assert page.locator(".cart-total").inner_text() == "£14.00"
    assert page.locator("#cart-link .badge").inner_text() == "5"
    screenshot("cart")

    Product.objects.filter(slug="almond-croissant").update(stock=2)
    page.reload()
    assert "Only 2 left" in page.locator("#cart").inner_text()
    screenshot("cart-flagged")

    page.click("button.remove")
    page.wait_for_selector("text=Your cart is empty.")
    assert page.locator("#cart-link .badge").count() == 0
    assert CartLine.objects.count() == 0
    assert page.console_errors == []


def test_without_javascript_the_cart_works_with_plain_forms(browser, live_server, screenshot):
    seed_catalogue()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/products/seeded-rye/")
        page.fill("input[name=quantity]", "2")
        page.click("button:has-text('Add to cart')")
        page.wait_for_url("**/products/seeded-rye/")
        assert "Seeded rye (2) added to your cart." in page.locator(".messages").inner_text()
        assert page.locator("#cart-link .badge").inner_text() == "2"

        page.goto("/cart/")
        page.fill("input[name=quantity]", "4")
        page.click("button:has-text('Update')")
        page.wait_for_url("**/cart/")
        assert page.locator(".cart-total").inner_text() == "£20.80"
        page.click("button.remove")
        page.wait_for_url("**/cart/")
        assert "Your cart is empty." in page.content()
    finally:
        context.close()
