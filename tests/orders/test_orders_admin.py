"""The order admin: lists, read-only audit trail, and actions that go through the services."""

import pytest

from accounts.services import user_role_assign
from orders.models import Order, Product
from orders.services.transitions import order_transition
from tests.factories import UserFactory, fulfilment_staff, place_order

pytestmark = pytest.mark.django_db

S = Order.Status


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_order_admin_pages_render_with_lines_and_events(admin_client):
    order = place_order()
    assert admin_client.get("/admin/orders/order/?status__exact=pending_payment").status_code == 200
    page = admin_client.get(f"/admin/orders/order/{order.pk}/change/")
    assert page.status_code == 200
    assert order.lines.get().product_name.encode() in page.content
    assert b"Order placed." in page.content
    assert admin_client.get("/admin/orders/coupon/").status_code == 200
    assert admin_client.get("/admin/orders/slot/").status_code == 200


@pytest.mark.parametrize("role", ["staff", "manager"])
def test_a_staff_role_sees_an_order_with_its_lines_and_timeline_but_cannot_edit_money(client, role):
    order = place_order()
    member = UserFactory(is_staff=True)
    user_role_assign(user=member, role=role)
    client.force_login(member)

    page = client.get(f"/admin/orders/order/{order.pk}/change/")

    assert page.status_code == 200
    assert order.lines.get().product_name.encode() in page.content
    assert b"Order placed." in page.content
    assert b'name="total"' not in page.content


def _advance(client, *orders, **extra):
    """Submit the list's Advance action for `orders`, as the list showed them."""
    shown = {f"shown-status-{order.pk}": order.status for order in orders}
    return client.post(
        "/admin/orders/order/",
        {"action": "advance", "_selected_action": [o.pk for o in orders], **shown, **extra},
        follow=True,
    )


def test_advance_action_moves_paid_orders_one_step_and_reports_the_rest(admin_client):
    paid = order_transition(order=place_order(), to=S.PAID, by=None)
    unpaid = place_order()
    assert (
        f'name="shown-status-{paid.pk}" value="paid"'.encode()
        in admin_client.get("/admin/orders/order/").content
    )
    response = _advance(admin_client, paid, unpaid)
    assert Order.objects.get(pk=paid.pk).status == S.PREPARING
    assert Order.objects.get(pk=unpaid.pk).status == S.PENDING_PAYMENT
    assert b"Advanced 1 order." in response.content
    assert f"Nothing comes next for order {unpaid.number}".encode() in response.content


def test_advance_submitted_twice_from_the_same_list_moves_the_order_one_step(admin_client):
    """The action once passed the status it read on each request: a second submit (a
    double click, a resent form) moved the order from preparing on to ready."""
    seen = order_transition(order=place_order(), to=S.PAID, by=None)

    _advance(admin_client, seen)
    second = _advance(admin_client, seen)

    assert Order.objects.get(pk=seen.pk).status == S.PREPARING
    assert f"Order {seen.number} is already being prepared".encode() in second.content


def test_advance_refuses_an_order_the_list_did_not_show(admin_client):
    paid = order_transition(order=place_order(), to=S.PAID, by=None)
    response = admin_client.post(
        "/admin/orders/order/",
        {"action": "advance", "_selected_action": [paid.pk]},
        follow=True,
    )
    assert Order.objects.get(pk=paid.pk).status == S.PAID
    assert b"was not on the list you saw" in response.content


def test_staff_with_view_and_fulfil_permissions_cancel_from_the_admin(client):
    staff = fulfilment_staff()
    client.force_login(staff)
    order = place_order()
    client.post(
        "/admin/orders/order/",
        {"action": "cancel", "_selected_action": [order.pk], "confirmed": "yes"},
    )
    assert Order.objects.get(pk=order.pk).status == S.CANCELLED
    assert Product.objects.get().stock == 50
