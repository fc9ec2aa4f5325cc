"""Staff run the day on the board, managers read the dashboard, both in the admin: in chromium."""

import random
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from orders.models import Invoice, Order, Product, Slot
from orders.models.orders import order_door
from orders.services.transitions import order_transition
from tests.factories import (
    PASSWORD,
    AddressFactory,
    ProductFactory,
    SlotFactory,
    UserFactory,
    place_order,
)
from tests.orders.staff_helpers import role_member
from tests.payment_helpers import post_sandbox_webhook, sandbox_body, start_payment

pytestmark = pytest.mark.django_db(transaction=True)

S = Order.Status
NAMES = ["Ada Lovelace", "Bo Chen", "Cyrus Patel", "Dana Okafor", "Eve Martin", "Femi Adeyemi"]


def _a_day_of_orders():
    """Paid orders in three slots a few hours from now, and 30 days of sales behind them."""
    products = [
        ProductFactory(name=name, price=Decimal(price), stock=200)
        for name, price in [
            ("Country sourdough", "4.80"),
            ("Butter croissant", "1.90"),
            ("Seeded rye", "3.60"),
            ("Cinnamon bun", "2.40"),
        ]
    ]
    ProductFactory(name="Almond tart", stock=2)
    pickup = SlotFactory(kind="pickup", hours_ahead=2, capacity=6)
    delivery = SlotFactory(kind="delivery", hours_ahead=3, capacity=6)
    later = SlotFactory(kind="pickup", hours_ahead=4, capacity=6)
    rng = random.Random(7)
    orders = []
    for index, name in enumerate(NAMES):
        user = UserFactory(name=name, phone="07700 900" + f"{index:03d}")
        slot = [pickup, delivery, later][index % 3]
        address = (
            AddressFactory(user=user, line1=f"{index + 1} Bakery Lane")
            if slot.kind == "delivery"
            else None
        )
        chosen = rng.sample(products, k=1 + index % 3)
        order = place_order(
            user=user, products=chosen, slot=slot, address=address, quantity=1 + index % 2
        )
        orders.append(order_transition(order=order, to=S.PAID, by=None))
    order_transition(order=orders[1], to=S.PREPARING, by=None)
    # Booked while booking was open; the board shows today's slots, whatever the hour now.
    for hour, slot in zip((9, 12, 15), (pickup, delivery, later), strict=True):
        starts = timezone.make_aware(
            datetime.combine(timezone.localdate(), datetime.min.time())
        ) + timedelta(hours=hour)
        Slot.objects.filter(pk=slot.pk).update(
            starts_at=starts, ends_at=starts + timedelta(hours=1)
        )
    history_slot = SlotFactory(kind="pickup", hours_ahead=30, capacity=100)
    for days_ago in range(1, 30):
        for _ in range(rng.randint(0, 3)):
            order = place_order(products=rng.sample(products, k=2), slot=history_slot)
            order_transition(order=order, to=S.PAID, by=None)
            with order_door():  # paid days ago
                Order.objects.filter(pk=order.pk).update(
                    paid_at=timezone.now() - timedelta(days=days_ago),
                    placed_at=timezone.now() - timedelta(days=days_ago),
                )


def _sign_in(page, user):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()


def test_staff_move_an_order_on_the_board_and_managers_read_the_dashboard(page, screenshot):
    _a_day_of_orders()
    day = timezone.localdate().isoformat()
    staff = role_member("staff", email="sam@example.com")
    _sign_in(page, staff)

    page.goto(f"/staff/board/?date={day}")
    page.wait_for_function("window.htmx !== undefined")
    assert page.locator(".board-card").count() == len(NAMES)
    screenshot("staff-board-1280")
    page.locator(".board-card", has_text="Ada Lovelace").locator("button.board-next").click()
    page.wait_for_load_state()
    assert "is now being prepared" in page.content()
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("staff-board-390")
    page.set_viewport_size({"width": 1280, "height": 800})
    assert page.goto("/staff/dashboard/").status == 403
    page.goto("/admin/orders/order/")
    screenshot("admin-orders-staff-1280")

    page.context.clear_cookies()
    _sign_in(page, role_member("manager", email="morgan@example.com"))
    page.goto("/staff/dashboard/")
    assert page.locator("svg.chart rect.chart-bar").count() == 30
    screenshot("staff-dashboard-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("staff-dashboard-390")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/admin/orders/order/")
    assert "Orderly admin" in page.content()
    screenshot("admin-orders-manager-1280")
    page.goto("/admin/")
    screenshot("admin-index-manager-1280")
    tart = Product.objects.get(name="Almond tart")
    page.goto(f"/admin/orders/product/{tart.pk}/change/")
    screenshot("admin-product-manager-1280")
    page.click("text=Adjust stock")
    page.fill("input[name=delta]", "12")
    page.select_option("select[name=reason]", "delivery")
    page.click("input[type=submit]")
    page.wait_for_load_state()
    assert "now 14" in page.content()
    screenshot("admin-product-adjusted-1280")
    assert Product.objects.get(pk=tart.pk).stock == 14
    assert [e for e in page.console_errors if "Content Security Policy" in e] == []


def test_a_manager_finds_an_invoice_and_downloads_the_accountants_csv(page, screenshot):
    customer = UserFactory(name="Ada Lovelace", email="ada@example.com")
    order = place_order(user=customer, products=[ProductFactory(name="Seeded rye")])
    post_sandbox_webhook(Client(), sandbox_body(start_payment(order)))
    invoice = Invoice.objects.get(order=order)
    _sign_in(page, role_member("manager", email="morgan@example.com"))

    page.goto("/admin/orders/invoice/?q=ada@example")
    assert invoice.number in page.locator("#result_list").inner_text()
    screenshot("admin-invoices-manager-1280")
    page.click(f"text={invoice.number}")
    assert "Seeded rye" in page.locator("main").inner_text()
    assert page.locator("input[name=_save]").count() == 0
    screenshot("admin-invoice-manager-1280")
    page.goto("/admin/orders/invoice/")
    page.click("text=CSV for the accountant")
    screenshot("admin-invoices-csv-form-1280")
    today = timezone.localdate().isoformat()
    page.fill("input[name=start]", today)
    page.fill("input[name=end]", today)
    with page.expect_download() as download:
        page.click("input[value='Download CSV']")
    content = Path(download.value.path()).read_text(encoding="utf-8")
    assert invoice.number in content and "TOTAL" in content


# Anything on the page wider than the window, or whose text runs out of its own box.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth, found = [];
  for (const el of document.querySelectorAll("main *")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || el instanceof SVGElement) continue;  // the chart scales itself
    const clipped = getComputedStyle(el).overflowX !== "visible";
    if (box.right > width + 1 && !el.closest(".daywork-scroll, .chart-scroll, .table-wrap")) {
      found.push(`${el.tagName}.${el.className} ends at ${Math.round(box.right)}`);
    } else if (!clipped && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) {
      found.push(`${el.tagName}.${el.className} holds ${el.scrollWidth} in ${el.clientWidth}`);
    }
  }
  return found;
}"""


def test_staff_who_chose_german_read_the_board_the_prep_list_and_the_dashboard_in_german(
    browser, live_server, screenshot_dir
):
    _a_day_of_orders()
    day = timezone.localdate().isoformat()
    context = browser.new_context(
        base_url=live_server.url, locale="de-DE", viewport={"width": 1280, "height": 800}
    )
    page = context.new_page()

    def shot(name):
        path = screenshot_dir / f"de-{name}-1280.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    # Signing in applies the language kept on the profile: German.
    _sign_in(page, role_member("manager", email="morgan@example.com", language="de"))
    page.goto(f"/staff/board/?date={day}")
    assert page.locator("h1").inner_text() == "Bestelltafel"
    assert page.locator(".board-card").count() == len(NAMES)
    assert page.locator("button.board-next", has_text="Vorbereitung beginnen").count() == 5
    assert page.evaluate(OVERFLOWING) == []
    shot("staff-board")
    page.locator(".board-card", has_text="Ada Lovelace").locator("button.board-next").click()
    page.wait_for_load_state()
    assert "ist jetzt in Vorbereitung" in page.content()

    page.goto(f"/staff/prep/?date={day}")
    assert page.locator("h1").inner_text().startswith("Vorbereitungsliste")
    assert page.locator("tfoot th").text_content() == "Alle Produkte"
    assert page.evaluate(OVERFLOWING) == []
    shot("staff-prep")

    page.goto("/staff/dashboard/")
    assert page.locator("h1").inner_text() == "Umsatzübersicht"
    assert page.evaluate(OVERFLOWING) == []
    shot("staff-dashboard")
    context.close()
