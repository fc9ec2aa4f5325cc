"""A manager refunds one line of an order in the admin, and the customer sees it: in chromium."""

from decimal import Decimal

import pytest

from orders.models import Order, Refund
from tests.e2e.test_staff_pages import _sign_in
from tests.factories import ProductFactory, UserFactory, place_order
from tests.orders.staff_helpers import role_member
from tests.payment_helpers import start_payment

pytestmark = pytest.mark.django_db(transaction=True)


def _paid_order():
    from orders.services.payments import sandbox_webhook_send

    rye = ProductFactory(name="Seeded rye", price=Decimal("3.60"))
    bun = ProductFactory(name="Cinnamon bun", price=Decimal("2.40"))
    order = place_order(user=UserFactory(name="Ada Lovelace"), products=[rye, bun], quantity=2)
    payment = start_payment(order)
    sandbox_webhook_send(payment_id=payment.pk, event_id="evt_e2e", succeeded=True)
    return Order.objects.get(pk=order.pk)


def test_a_manager_refunds_one_line_and_the_customer_sees_it(page, screenshot):
    order = _paid_order()
    _sign_in(page, role_member("manager", email="morgan@example.com"))

    page.goto(f"/admin/orders/order/{order.pk}/refund/")
    screenshot("admin-refund-form-1280")
    rye = order.lines.get(product_name="Seeded rye")
    page.fill(f"input[name=line-{rye.pk}]", "1")
    page.fill("input[name=reason]", "One loaf was missing")
    page.click("input[type=submit]")
    page.wait_for_load_state()
    assert "Yes, refund £3.60" in page.content()
    screenshot("admin-refund-confirm-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("admin-refund-confirm-390")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.click("input[type=submit]")
    page.wait_for_load_state()
    assert "Refund of £3.60 started" in page.content()
    assert Refund.objects.get().amount == Decimal("3.60")

    page.context.clear_cookies()
    _sign_in(page, order.user)
    page.goto(order.get_absolute_url())
    assert "£3.60 for 1 \u00d7 Seeded rye" in page.locator(".refund-state").inner_text()
    screenshot("order-partly-refunded-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("order-partly-refunded-390")
