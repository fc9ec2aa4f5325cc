"""Whole journeys as the shop's users meet it: chromium against the live server on
PostgreSQL, with a real Celery worker on Redis sending the webhooks, emails and refunds."""

import re
import time
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.utils import timezone

from accounts.models import User
from orders.models import CreditNote, Invoice, Order, Product, Refund, Slot
from tests.accounts.helpers import STRONG_PASSWORD, totp_code, verification_code
from tests.factories import (
    PASSWORD,
    CategoryFactory,
    ProductFactory,
    SlotFactory,
    UserFactory,
    place_order,
)
from tests.orders.staff_helpers import role_member
from tests.payment_helpers import post_sandbox_webhook, sandbox_body, start_payment

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WAIT = 20  # seconds a worker may take to apply what a page queued


def _eventually(check, what: str):
    deadline = time.monotonic() + WAIT
    while not check():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.1)


def _the_bakery():
    bread = CategoryFactory(name="Bread", slug="bread")
    pastries = CategoryFactory(name="Pastries", slug="pastries")
    ProductFactory(name="Country sourdough", category=bread, price=Decimal("4.80"), stock=10)
    ProductFactory(name="Seeded rye", category=bread, price=Decimal("3.60"), stock=10)
    ProductFactory(
        name="Butter croissant",
        category=pastries,
        description="Flaky, all-butter croissants baked at dawn.",
        price=Decimal("1.90"),
        stock=20,
    )
    ProductFactory(name="Cinnamon bun", category=pastries, price=Decimal("2.40"), stock=20)
    return SlotFactory(kind="pickup", hours_ahead=26, capacity=5)


def _search_and_add(page, query: str, product: str, js: bool):
    page.fill("input[name=q]", query)
    page.click("form.search-form button")
    page.wait_for_url(re.compile(r"\?q="))
    card = page.locator(".product-card", has_text=product)
    assert card.count() == 1, f"{product!r} not found for {query!r}"
    card.locator("button", has_text="Add to cart").click()
    if js:
        page.wait_for_function(
            "el => el.textContent.includes('added')",
            arg=card.locator(".add-result").element_handle(),
        )
    else:
        page.wait_for_load_state()


def _badge(page) -> int:
    badge = page.locator("#notifications-link .badge")
    return int(badge.inner_text()) if badge.count() else 0


def _sign_in(page, email):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form.allauth-form button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize(
    ("width", "js"), [(1280, True), (390, True), (1280, False)], ids=["1280", "390", "no-js"]
)
def test_a_guest_becomes_a_paying_customer(
    browser, live_server, worker, mailoutbox, screenshot_dir, width, js
):
    pickup = _the_bakery()
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": 900},
        java_script_enabled=js,
    )
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))

    def shot(name):
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        path = screenshot_dir / f"guest-{width}{'' if js else '-nojs'}-{name}.png"
        page.screenshot(path=str(path), full_page=True)

    page.goto("/")
    shot("1-catalogue")
    _search_and_add(page, "croissants", "Butter croissant", js)
    shot("2-search")
    _search_and_add(page, "bread", "Country sourdough", js)
    page.goto("/cart/")
    assert {"Butter croissant", "Country sourdough"} <= set(
        page.locator(".line-product a").all_inner_texts()
    )
    shot("3-guest-cart")

    page.goto("/accounts/signup/")
    page.fill("input[name=email]", "ada@example.com")
    page.fill("input[name=password1]", STRONG_PASSWORD)
    page.fill("input[name=password2]", STRONG_PASSWORD)
    page.locator("form.allauth-form button[type=submit]").click()
    page.wait_for_url("**/accounts/confirm-email/")
    shot("4-enter-code")
    (welcome,) = mailoutbox
    page.fill("input[name=code]", verification_code(welcome))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(f"{live_server.url}/")
    ada = User.objects.get(email="ada@example.com")

    page.goto("/cart/")
    assert {"Butter croissant", "Country sourdough"} <= set(
        page.locator(".line-product a").all_inner_texts()
    ), "the guest cart was not merged at sign-in"
    shot("5-merged-cart")

    page.goto("/checkout/?kind=pickup")
    page.check("input[name=address][value=pickup]")
    page.check(f"input[name=slot][value='{pickup.pk}']")
    shot("6-checkout")
    page.click("button.place-order")
    page.wait_for_url(re.compile(r"/payments/sandbox/[^/]+/\?link="))
    order = Order.objects.get(user=ada)
    shot("7-sandbox")
    page.click("button[value=pay]")
    page.wait_for_url(f"**/orders/{order.number}/?payment=returned")
    if js:
        page.locator(".order-status", has_text="Paid").wait_for(timeout=WAIT * 1000)
    else:
        _eventually(
            lambda: Order.objects.get(pk=order.pk).status == Order.Status.PAID, "the payment"
        )
        page.reload()
    assert page.locator(".order-status").inner_text().strip() == "Paid"
    shot("8-paid")

    _eventually(lambda: len(mailoutbox) == 3, "the placed and paid emails")
    subjects = sorted(message.subject for message in mailoutbox[1:])
    assert subjects == [
        f"[Orderly] Order {order.number} is placed",
        f"[Orderly] Payment received for order {order.number}",
    ]
    (paid_mail,) = [m for m in mailoutbox if "Payment received" in m.subject]
    invoice = Invoice.objects.get(order=order)
    ((name, pdf, mimetype),) = paid_mail.attachments
    assert (name, mimetype) == (f"{invoice.number}.pdf", "application/pdf")
    assert pdf.startswith(b"%PDF-")
    link = page.get_by_role("link", name=f"Download invoice {invoice.number} (PDF)")
    download = page.request.get(link.get_attribute("href"))
    assert download.headers["content-type"] == "application/pdf"
    page.goto("/")
    assert _badge(page) == 2
    page.goto("/notifications/")
    titles = page.locator(".notification-title").all_inner_texts()
    assert any(f"Payment received for order {order.number}" in title for title in titles)
    shot("9-inbox")
    assert Product.objects.get(name="Butter croissant").stock == 19
    assert errors == []
    context.close()


def _paid_order(user, product, slot):
    order = place_order(user=user, products=[product], slot=slot, quantity=2)
    payment = start_payment(order)
    assert post_sandbox_webhook(Client(), sandbox_body(payment)).status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    return order


def test_a_customer_with_two_factor_cancels_a_paid_order_and_sees_the_refund(
    page, worker, screenshot
):
    user = UserFactory(email="grace@example.com", name="Grace")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    rye = ProductFactory(name="Seeded rye", price=Decimal("3.60"), stock=10)
    order = _paid_order(user, rye, SlotFactory(kind="pickup", hours_ahead=30))
    assert Product.objects.get(pk=rye.pk).stock == 8

    _sign_in(page, user.email)
    page.wait_for_url("**/accounts/2fa/authenticate/")
    screenshot("totp-1-code")
    page.fill("input[name=code]", totp_code(secret))
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/$"))

    page.goto("/orders/")
    page.click(f"text={order.number}")
    page.wait_for_url(f"**/orders/{order.number}/")
    screenshot("totp-2-paid-order")
    page.click("text=Cancel this order")
    assert "will be refunded in full" in page.content()
    screenshot("totp-3-confirm")
    page.click("text=Yes, cancel the order")
    page.wait_for_url(f"**/orders/{order.number}/")

    _eventually(
        lambda: Refund.objects.filter(
            payment__order=order, status=Refund.Status.SUCCEEDED
        ).exists(),
        "the refund",
    )
    page.reload()
    assert page.locator(".order-status").inner_text().strip() == "Cancelled"
    assert "£7.20: refunded" in page.locator(".refund-state").inner_text()
    timeline = page.locator(".timeline").inner_text()
    assert timeline.index("Order placed") < timeline.index("Paid") < timeline.index("Cancelled")
    screenshot("totp-4-refunded")
    assert Product.objects.get(pk=rye.pk).stock == 10
    credit_note = CreditNote.objects.get(invoice__order=order)
    assert credit_note.gross == order.total == Decimal("7.20")
    page.goto("/notifications/")
    assert f"Refund for order {order.number}" in page.locator(".notification-list").inner_text()


def test_staff_move_an_order_to_completed_and_the_manager_reads_the_dashboard(
    page, worker, screenshot
):
    customer = UserFactory(email="cyrus@example.com", name="Cyrus Patel")
    bun = ProductFactory(name="Cinnamon bun", price=Decimal("2.40"), stock=30)
    slot = SlotFactory(kind="pickup", hours_ahead=3)
    order = _paid_order(customer, bun, slot)
    noon = timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time()))
    Slot.objects.filter(pk=slot.pk).update(
        starts_at=noon + timedelta(hours=12), ends_at=noon + timedelta(hours=13)
    )

    _sign_in(page, role_member("staff", email="sam@example.com").email)
    page.goto(f"/staff/board/?date={timezone.localdate().isoformat()}")
    card = page.locator(".board-card", has_text="Cyrus Patel")
    for step, label in enumerate(("being prepared", "ready for pickup", "completed"), 1):
        card.locator("button.board-next").click()
        page.locator(".message", has_text=f"is now {label}").wait_for()
        screenshot(f"board-{step}")
    assert Order.objects.get(pk=order.pk).status == Order.Status.COMPLETED

    page.context.clear_cookies()
    _sign_in(page, customer.email)
    page.goto("/notifications/")
    inbox = page.locator(".notification-list").inner_text()
    for title in ("is placed", "Payment received", "is ready for pickup"):
        assert title in inbox
    screenshot("board-customer-inbox")
    page.goto(f"/orders/{order.number}/")
    assert page.locator(".order-status").inner_text().strip() == "Completed"

    page.context.clear_cookies()
    _sign_in(page, role_member("manager", email="morgan@example.com").email)
    page.goto("/staff/dashboard/")
    assert page.locator("svg.chart rect.chart-bar").count() == 30
    assert "£4.80" in page.locator("main").inner_text()
    screenshot("board-dashboard")
