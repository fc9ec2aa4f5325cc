"""Staff print tomorrow's prep list and a slot's slips from the board, in chromium."""

import shutil
import subprocess
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import Order
from orders.services.transitions import order_transition
from tests.e2e.test_staff_pages import _sign_in
from tests.factories import (
    AddressFactory,
    CategoryFactory,
    ProductFactory,
    SlotFactory,
    UserFactory,
    place_order,
)
from tests.orders.staff_helpers import role_member

pytestmark = pytest.mark.django_db(transaction=True)

S = Order.Status
CUSTOMERS = [
    ("Ada Lovelace", "E2 7AA", "Leave with the neighbour at no. 14"),
    ("Bo Chen", "E1 6AN", ""),
    ("Cyrus Patel", "N1 9GU", "Ring twice; the bell is broken"),
    ("Dana Okafor", "", ""),
    ("Eve Martin", "", ""),
]


def _at(day, hour):
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


def _tomorrows_orders():
    """Pickup at 09:00 and deliveries at 11:00 tomorrow: paid, preparing and unpaid orders."""
    bread = CategoryFactory(name="Bread", slug="bread", position=1)
    pastry = CategoryFactory(name="Pastry", slug="pastry", position=2)
    products = [
        ProductFactory(name=name, category=category, price=Decimal("3.00"), stock=200)
        for name, category in [
            ("Country sourdough", bread),
            ("Seeded rye", bread),
            ("Butter croissant", pastry),
            ("Cinnamon bun", pastry),
        ]
    ]
    day = timezone.localdate() + timedelta(days=1)
    pickup = SlotFactory(kind="pickup", starts_at=_at(day, 9), ends_at=_at(day, 10))
    delivery = SlotFactory(kind="delivery", starts_at=_at(day, 11), ends_at=_at(day, 13))
    orders = []
    for index, (name, postcode, instructions) in enumerate(CUSTOMERS):
        user = UserFactory(name=name, phone=f"07700 900{index:03d}")
        slot = delivery if postcode else pickup
        address = (
            AddressFactory(
                user=user,
                line1=f"{index + 1} Bakery Lane",
                city="London",
                postcode=postcode,
                instructions=instructions,
            )
            if postcode
            else None
        )
        order = place_order(
            user=user,
            products=products[index % 2 : index % 2 + 3],
            slot=slot,
            address=address,
            quantity=1 + index % 3,
        )
        orders.append(order_transition(order=order, to=S.PAID, by=None))
    order_transition(order=orders[0], to=S.PREPARING, by=None)
    place_order(products=products[:1], slot=pickup, quantity=9)  # unpaid: not on any list
    return day, pickup, delivery


def _pdf(page, path) -> int:
    """Print the page as chromium does to A4; the number of pages (0 without pdfinfo)."""
    page.pdf(path=str(path), format="A4", prefer_css_page_size=True)
    if not shutil.which("pdfinfo"):
        return 0
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(next(line for line in info.stdout.splitlines() if line.startswith("Pages:"))[6:])


def test_staff_print_tomorrows_prep_list_and_a_slots_slips_from_the_board(
    page, screenshot, screenshot_dir
):
    day, pickup, delivery = _tomorrows_orders()
    _sign_in(page, role_member("staff", email="sam@example.com"))

    page.goto("/staff/board/")
    page.click("a[aria-label='Next day']")
    page.click("text=Prep list")
    page.wait_for_load_state()
    assert page.url.endswith(f"/staff/prep/?date={day}")
    assert page.get_by_role("button", name="Print").is_visible()
    assert "Country sourdough" in page.content() and "Cinnamon bun" in page.content()
    screenshot("daywork-prep-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("daywork-prep-390")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden()
    assert page.get_by_role("button", name="Print").is_hidden()
    assert _pdf(page, screenshot_dir / "daywork-prep.pdf") in {0, 1}
    page.emulate_media(media="null")

    page.goto("/staff/board/")
    page.click("a[aria-label='Next day']")
    screenshot("daywork-board-1280")
    page.locator(f"#slot-{delivery.pk}").get_by_role("link", name="Print slips").click()
    page.wait_for_load_state()
    assert page.locator("article.slip").count() == 3
    screenshot("daywork-slips-1280")
    assert _pdf(page, screenshot_dir / "daywork-slips.pdf") in {0, 3}

    page.goto(f"/staff/runs/?date={day}")
    content = page.content()
    assert content.index("E1 6AN") < content.index("E2 7AA") < content.index("N1 9GU")
    screenshot("daywork-runs-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("daywork-runs-390")
    page.set_viewport_size({"width": 1280, "height": 800})
    assert _pdf(page, screenshot_dir / "daywork-runs.pdf") in {0, 1}

    page.goto(f"/staff/slots/{pickup.pk}/slips/")
    page.locator("article.slip a, article.slip").first.wait_for()
    number = page.locator(".slip-number").first.inner_text()
    page.goto(f"/staff/orders/{number}/slip/")
    screenshot("daywork-slip-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("daywork-slip-390")
    assert _pdf(page, screenshot_dir / "daywork-slip.pdf") in {0, 1}
    assert page.console_errors == []

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/admin/")
    assert page.locator("#daywork-module").get_by_role("link", name="Prep list").is_visible()
    screenshot("daywork-admin-index-1280")
