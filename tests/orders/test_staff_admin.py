"""The admin per role: who sees which list, add page and action, and what is refused."""

import pytest

from orders.models import Coupon, Order, Product, Slot
from orders.services.transitions import order_transition
from tests.factories import CouponFactory, ProductFactory, SlotFactory, place_order
from tests.orders.staff_helpers import ROLES, role_member

pytestmark = pytest.mark.django_db

S = Order.Status

CHANGELISTS = {
    "orders/order": {"customer": 403, "staff": 200, "manager": 200},
    "orders/orderevent": {"customer": 403, "staff": 200, "manager": 200},
    "orders/product": {"customer": 403, "staff": 200, "manager": 200},
    "orders/category": {"customer": 403, "staff": 200, "manager": 200},
    "orders/slot": {"customer": 403, "staff": 200, "manager": 200},
    "orders/coupon": {"customer": 403, "staff": 403, "manager": 200},
    "orders/stockmovement": {"customer": 403, "staff": 403, "manager": 200},
}
ADD_PAGES = {
    "orders/order": {"customer": 403, "staff": 403, "manager": 403},
    "orders/orderevent": {"customer": 403, "staff": 403, "manager": 403},
    "orders/stockmovement": {"customer": 403, "staff": 403, "manager": 403},
    "orders/product": {"customer": 403, "staff": 403, "manager": 200},
    "orders/category": {"customer": 403, "staff": 403, "manager": 200},
    "orders/slot": {"customer": 403, "staff": 403, "manager": 200},
    "orders/coupon": {"customer": 403, "staff": 403, "manager": 200},
}


@pytest.fixture
def as_role(client):
    def sign_in(role: str):
        user = role_member(role)
        client.force_login(user)
        return user

    return sign_in


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", CHANGELISTS)
def test_each_role_gets_the_changelists_it_may_see(client, as_role, role, model):
    as_role(role)
    place_order()  # a row in most lists, so they render more than an empty table

    response = client.get(f"/admin/{model}/", follow=True)

    assert response.status_code == CHANGELISTS[model][role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", ADD_PAGES)
def test_each_role_gets_the_add_pages_it_may_use(client, as_role, role, model):
    as_role(role)

    response = client.get(f"/admin/{model}/add/", follow=True)

    assert response.status_code == ADD_PAGES[model][role]


def test_a_customer_signed_in_gets_403_on_the_admin_index(client, as_role):
    as_role("customer")

    response = client.get("/admin/", follow=True)

    assert response.status_code == 403


def test_the_admin_is_branded_with_the_shop_name(client, as_role, settings):
    as_role("manager")

    page = client.get("/admin/").content.decode()

    assert f"{settings.SHOP_NAME} admin" in page
    assert "Django administration" not in page


@pytest.mark.parametrize("role", ["staff", "manager"])
def test_staff_and_managers_advance_an_order_from_the_admin(client, as_role, role):
    as_role(role)
    paid = order_transition(order=place_order(), to=S.PAID, by=None)

    client.post(
        "/admin/orders/order/",
        {"action": "advance", "_selected_action": [paid.pk], f"shown-status-{paid.pk}": "paid"},
    )

    assert Order.objects.get(pk=paid.pk).status == S.PREPARING
    assert paid.events.filter(to_status=S.PREPARING).count() == 1


@pytest.mark.parametrize("role", ["staff", "manager"])
def test_cancel_asks_for_confirmation_before_cancelling(client, as_role, role):
    as_role(role)
    order = place_order()
    chosen = {"action": "cancel", "_selected_action": [order.pk]}

    asked = client.post("/admin/orders/order/", chosen)

    assert asked.status_code == 200
    assert "Cancel these orders?" in asked.content.decode()
    assert order.number in asked.content.decode()
    assert Order.objects.get(pk=order.pk).status == S.PENDING_PAYMENT

    client.post("/admin/orders/order/", {**chosen, "confirmed": "yes"})

    assert Order.objects.get(pk=order.pk).status == S.CANCELLED


def test_an_order_cannot_be_deleted_in_the_admin_by_anyone(client, as_role):
    as_role("manager")
    order = place_order()

    page = client.get(f"/admin/orders/order/{order.pk}/delete/")
    client.post(
        "/admin/orders/order/",
        {"action": "delete_selected", "_selected_action": [order.pk], "post": "yes"},
    )

    assert page.status_code == 403
    assert Order.objects.filter(pk=order.pk).exists()


def test_staff_cannot_create_next_weeks_slots(client, as_role):
    as_role("staff")
    slot = SlotFactory()

    response = client.post(
        "/admin/orders/slot/",
        {"action": "create_next_week", "_selected_action": [slot.pk]},
        follow=True,
    )

    assert Slot.objects.count() == 1
    assert "create_next_week" not in response.content.decode()


def test_a_manager_creates_next_weeks_slots_once(client, as_role):
    as_role("manager")
    slot = SlotFactory()
    chosen = {"action": "create_next_week", "_selected_action": [slot.pk]}

    client.post("/admin/orders/slot/", chosen)
    client.post("/admin/orders/slot/", chosen)

    assert Slot.objects.count() == 2


def test_staff_cannot_delete_products_and_managers_are_asked_first(client, as_role):
    product = ProductFactory()
    chosen = {"action": "delete_selected", "_selected_action": [product.pk]}
    as_role("staff")

    client.post("/admin/orders/product/", chosen)

    assert Product.objects.filter(pk=product.pk).exists()
    as_role("manager")
    asked = client.post("/admin/orders/product/", chosen)
    assert asked.status_code == 200
    assert "Delete multiple objects" in asked.content.decode()
    assert Product.objects.filter(pk=product.pk).exists()


def test_staff_cannot_change_a_coupon_and_managers_cannot_write_its_uses(client, as_role):
    coupon = CouponFactory(max_uses=10)
    as_role("staff")
    assert client.get(f"/admin/orders/coupon/{coupon.pk}/change/").status_code == 403

    as_role("manager")
    page = client.get(f"/admin/orders/coupon/{coupon.pk}/change/")
    assert page.status_code == 200
    assert 'name="uses"' not in page.content.decode()
    assert Coupon.objects.get(pk=coupon.pk).uses == 0


def test_admin_sign_in_goes_through_the_shop_and_asks_a_totp_user_for_a_code(client):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from tests.accounts.helpers import totp_code
    from tests.factories import PASSWORD

    user = role_member("manager")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)

    to_login = client.get("/admin/", follow=True)
    assert to_login.redirect_chain[-1][0].startswith("/accounts/login/?next=")
    signed = client.post(
        to_login.redirect_chain[-1][0], {"login": user.email, "password": PASSWORD}
    )
    assert signed.url == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # no admin before the code

    done = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})

    assert done.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_admin_login_page_posts_are_not_a_way_around_the_shop_sign_in(client):
    from tests.factories import PASSWORD

    user = role_member("staff")

    response = client.post("/admin/login/", {"username": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_csv_export_streams_the_orders_of_the_current_filter(client, as_role):
    as_role("staff")
    paid = order_transition(order=place_order(), to=S.PAID, by=None)
    unpaid = place_order()

    response = client.get("/admin/orders/order/export.csv?status__exact=paid")
    listing = client.get("/admin/orders/order/?status__exact=paid")

    assert response.status_code == 200
    assert response.streaming
    rows = b"".join(response.streaming_content).decode().splitlines()
    assert rows[0].startswith("number,placed at,status")
    assert len(rows) == 2
    assert rows[1].startswith(f"{paid.number},")
    assert unpaid.number not in "".join(rows)
    assert "export.csv?status__exact=paid" in listing.content.decode()


def test_csv_export_refuses_customers_and_bad_filters(client, as_role):
    as_role("staff")
    bad = client.get("/admin/orders/order/export.csv?nosuchfield=1")
    as_role("customer")
    refused = client.get("/admin/orders/order/export.csv", follow=True)

    assert bad.status_code == 400
    assert refused.status_code == 403
