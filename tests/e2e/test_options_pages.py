"""A buyer chooses a sliced loaf and a cake with a message, with JavaScript off; staff read
the choices, the message and the note on the slip and the prep list. Screenshots at 1280
and 390 px wide."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from orders.demo import seed_catalogue
from orders.models import CartLine, Order, Product
from orders.services.checkout import checkout_place
from orders.services.transitions import order_transition
from tests.e2e.test_staff_pages import _sign_in
from tests.factories import AddressFactory, SlotFactory, UserFactory
from tests.orders.staff_helpers import role_member

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (1280, 390)


def _at(day, hour):
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


def test_a_buyer_chooses_options_without_javascript_and_staff_see_them(
    browser, live_server, screenshot_dir
):
    seed_catalogue()
    cake = Product.objects.get(sku="CAK-004")
    loaf = Product.objects.get(sku="BRD-001")
    buyer = UserFactory(name="Sam Baker", phone="07700 900123")
    shots = []

    for width in WIDTHS:
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": 900},
            java_script_enabled=False,
        )
        page = context.new_page()
        _sign_in(page, buyer)
        page.goto(f"/products/{cake.slug}/")
        page.get_by_label("8 inch").check()
        page.fill("input[name=message]", "Happy birthday Sam")
        shots.append(screenshot_dir / f"options-product-{width}.png")
        page.screenshot(path=str(shots[-1]), full_page=True)
        page.get_by_role("button", name="Add to cart").click()
        page.goto(f"/products/{loaf.slug}/")
        page.get_by_label("Sliced").check()
        page.get_by_role("button", name="Add to cart").click()
        page.goto("/cart/")
        body = page.content()
        assert "Size: 8 inch" in body and "“Happy birthday Sam”" in body
        assert "Slicing: Sliced" in body
        shots.append(screenshot_dir / f"options-cart-{width}.png")
        page.screenshot(path=str(shots[-1]), full_page=True)
        context.close()

    assert sorted(CartLine.objects.values_list("quantity", flat=True)) == [2, 2]
    day = timezone.localdate() + timedelta(days=1)
    slot = SlotFactory(kind="delivery", starts_at=_at(day, 10), ends_at=_at(day, 12))
    order, _ = checkout_place(
        user=buyer,
        slot_id=slot.pk,
        address_id=AddressFactory(user=buyer).pk,
        idempotency_key="e2e",
        note="Leave with the neighbour at no. 14,\nthe blue door. <b>Thanks</b>",
    )
    order_transition(order=order, to=Order.Status.PAID, by=None)

    staff = role_member("staff", email="staff@example.com")
    for width in WIDTHS:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": 900}
        )
        page = context.new_page()
        _sign_in(page, staff)
        page.goto(f"/staff/orders/{order.number}/slip/")
        assert "Size: 8 inch" in page.content()
        assert "&lt;b&gt;Thanks&lt;/b&gt;" in page.content()
        shots.append(screenshot_dir / f"options-slip-{width}.png")
        page.screenshot(path=str(shots[-1]), full_page=True)
        page.goto(f"/staff/prep/?date={day.isoformat()}")
        assert "Slicing: Sliced" in page.content()
        shots.append(screenshot_dir / f"options-prep-{width}.png")
        page.screenshot(path=str(shots[-1]), full_page=True)
        context.close()
    assert all(path.stat().st_size > 0 for path in shots)
