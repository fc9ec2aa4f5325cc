"""Every customer page fits a phone (390 px) and a laptop (1280 px) without sideways scroll,
and axe-core finds nothing serious or critical on it."""

from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client

from orders.models import Cart, Payment
from tests.factories import (
    PASSWORD,
    AddressFactory,
    CartLineFactory,
    ProductFactory,
    SlotFactory,
    UserFactory,
    place_order,
)
from tests.payment_helpers import post_sandbox_webhook, sandbox_body, start_payment

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (390, 1280)
AXE = Axe()


def _check(page, screenshot, name, width):
    screenshot(f"layout-{name}-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    report = AXE.run(page).response
    assert report["passes"], name
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in report["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert violations == [], (name, violations)


def _sign_in(page, user):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()


@pytest.fixture
def shop():
    user = UserFactory(email="lin@example.com", name="Lin Customer-With-A-Long-Name")
    AddressFactory(user=user, line1="Flat 12, 345 Extraordinarily Long Street Name")
    loaf = ProductFactory(
        name="Country sourdough with seeds and a long name", price=Decimal("4.80")
    )
    paid = place_order(user=user, products=[ProductFactory(name="Rye")], quantity=2)
    post_sandbox_webhook(Client(), sandbox_body(start_payment(paid)))
    waiting = place_order(user=user, products=[ProductFactory(name="Spelt")])
    start_payment(waiting)
    cart = Cart.objects.get(user=user)
    CartLineFactory(cart=cart, product=loaf, quantity=12)
    CartLineFactory(cart=cart, product=ProductFactory(name="Gone bun", is_active=False))
    SlotFactory(kind="pickup", hours_ahead=30)
    SlotFactory(kind="delivery", hours_ahead=31)
    return user, loaf


@pytest.mark.parametrize("width", WIDTHS)
def test_no_customer_page_scrolls_sideways(page, screenshot, shop, width):
    user, loaf = shop
    page.set_viewport_size({"width": width, "height": 900})
    for name, path in [("sign-in", "/accounts/login/"), ("sign-up", "/accounts/signup/")]:
        page.goto(path)
        _check(page, screenshot, name, width)
    _sign_in(page, user)
    paid, waiting = user.orders.order_by("pk")
    payment = Payment.objects.get(order=waiting)
    pages = [
        ("catalogue", "/"),
        ("search", "/?q=sourdough"),
        ("product", f"/products/{loaf.slug}/"),
        ("cart", "/cart/"),
        ("checkout", "/checkout/"),
        ("orders", "/orders/"),
        ("order", f"/orders/{paid.number}/"),
        ("order-cancel", f"/orders/{paid.number}/cancel/"),
        ("sandbox-pay", f"/payments/sandbox/{payment.reference}/"),
        ("inbox", "/notifications/"),
        ("email-choices", "/notifications/preferences/"),
        ("account", "/account/"),
        ("address", "/account/addresses/new/"),
        ("email", "/accounts/email/"),
        ("password", "/accounts/password/change/"),
        ("two-factor", "/accounts/2fa/"),
        ("sessions", "/accounts/sessions/"),
        ("delete", "/account/delete/"),
    ]
    for name, path in pages:
        page.goto(path)
        _check(page, screenshot, name, width)

    page.goto("/account/addresses/new/")
    page.fill("input[name=recipient]", "Lin")
    page.fill("input[name=postcode]", "!!!!")
    page.fill("input[name=phone]", "call me")
    page.click("text=Save address")
    page.wait_for_load_state()
    assert page.locator("[aria-invalid=true]").count() >= 3
    _check(page, screenshot, "address-errors", width)


@pytest.mark.parametrize("width", WIDTHS)
def test_badges_and_slot_times_stay_whole_inside_their_boxes(page, screenshot, shop, width):
    user, _ = shop
    for hour in range(30, 36):
        SlotFactory(kind="pickup", hours_ahead=hour + 24)
    page.set_viewport_size({"width": width, "height": 900})
    _sign_in(page, user)

    page.goto("/accounts/sessions/")
    screenshot(f"layout-sessions-badge-{width}")
    current = page.locator(".tag", has_text="Current").first
    assert current.bounding_box()["height"] < 30  # one line: not "Curr" over "ent"

    page.goto("/checkout/?kind=pickup")
    screenshot(f"layout-slot-times-{width}")
    labels = page.locator(".slot-choice")
    assert labels.count() > 0
    for index in range(labels.count()):
        label = labels.nth(index).bounding_box()
        time = labels.nth(index).locator(".slot-time").bounding_box()
        assert time["x"] + time["width"] <= label["x"] + label["width"] - 4, index
