"""A customer whose browser asks for German shops, checks out, pays and is emailed in German,
at 1280 and at 390 px (screenshots `de-*.png`)."""

import re

import pytest
from django.core import mail

from orders.demo import seed_catalogue
from orders.models import Order
from tests.factories import PASSWORD, AddressFactory, SlotFactory, UserFactory

SANDBOX_PAGE = re.compile(r"/payments/sandbox/[^/]+/\?link=")

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_a_german_customer_shops_pays_and_is_emailed_in_german(
    browser, live_server, screenshot_dir, settings, width
):
    settings.SHOP_CURRENCY = "EUR"
    seed_catalogue()
    user = UserFactory(email=f"erika{width}@example.com", name="Erika Muster", language="de")
    AddressFactory(user=user, label="Zuhause", line1="Hauptstraße 1", city="Berlin")
    pickup = SlotFactory(kind="pickup", hours_ahead=21, capacity=10)
    SlotFactory(kind="delivery", hours_ahead=22, capacity=4)
    context = browser.new_context(
        base_url=live_server.url, locale="de-DE", viewport={"width": width, "height": 900}
    )
    page = context.new_page()

    def shot(name):
        page.screenshot(path=str(screenshot_dir / f"de-{name}-{width}.png"), full_page=True)

    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "de"
    assert "Frisch von" in page.locator("h1").inner_text()
    assert page.get_by_role("link", name="Buttercroissant").count() == 1
    shot("catalogue")
    page.goto("/accounts/signup/")
    shot("signup")

    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()

    page.goto("/products/country-sourdough/")
    assert page.locator("h1").inner_text() == "Landbrot aus Sauerteig"
    assert "4,80" in page.locator(".product-price").inner_text()
    page.locator("form.add-form button[type=submit]").first.click()
    page.wait_for_selector(".add-ok")
    shot("product")
    page.goto("/cart/")
    assert page.locator("h1").inner_text() == "Ihr Warenkorb"
    shot("cart")

    page.goto("/checkout/?kind=pickup")
    assert page.locator("h1").inner_text() == "Kasse"
    page.check("input[name=address][value=pickup]")
    page.check(f"input[name=slot][value='{pickup.pk}']")
    shot("checkout")
    page.click("button.place-order")
    page.wait_for_url(SANDBOX_PAGE)
    shot("pay")
    page.click("button[value=pay]")
    order = Order.objects.get(user=user)
    page.wait_for_url(f"**/orders/{order.number}/?payment=returned")
    page.locator(".order-status", has_text="Bezahlt").wait_for(timeout=15000)
    assert f"Bestellung {order.number}" in page.locator("h1").inner_text()
    shot("order")

    paid = next(m for m in mail.outbox if "Zahlung für Bestellung" in m.subject)
    assert order.number in paid.subject
    # A page of its own: the shop's Content-Security-Policy refuses an email's inline styles.
    page = context.new_page()
    page.set_content(paid.alternatives[0][0])
    shot("email")
    context.close()
