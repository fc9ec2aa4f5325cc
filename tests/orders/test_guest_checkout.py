"""Guest checkout (GUEST_CHECKOUT): a visitor without an account orders with an email, a
name and a phone, reaches the order by the signed link in its email, pays and cancels there,
and the order becomes theirs once they verify that email on an account."""

import re
import time
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace
from uuid import uuid4

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.core import signing
from django.test import Client, RequestFactory
from django.utils import timezone
from rest_framework.test import APIClient

from notifications.models import Notification
from notifications.services import slot_reminders_send
from orders.errors import GuestCheckoutOff
from orders.guests import LINK_SALT, guest_link_path
from orders.models import (
    CartLine,
    CheckoutRequest,
    Coupon,
    Order,
    OrderEvent,
    Payment,
    Product,
    Refund,
    Slot,
)
from orders.selectors.invoices import invoice_of_order
from orders.services.account_data import orders_anonymise
from orders.services.checkout import checkout_place_as_guest
from orders.services.guests import guest_orders_claim
from orders.services.transitions import order_transition
from tests.factories import (
    CouponFactory,
    ProductFactory,
    SlotFactory,
    UserFactory,
    delivery_zone,
    place_order,
)

pytestmark = pytest.mark.django_db

EMAIL = "sam@example.com"
ADDRESS = {
    "line1": "1 Mill Lane",
    "line2": "",
    "city": "London",
    "postcode": "sw1a 1aa",
    "country": "GB",
    "instructions": "Blue door",
}
LINK = re.compile(r"http://127\.0\.0\.1:8000(/guest/orders/[^/\s\"]+/)")


@pytest.fixture(autouse=True)
def guest_checkout_on(settings):
    settings.GUEST_CHECKOUT = True


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what is queued after commit (the email tasks), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def shop():
    return SimpleNamespace(
        bread=ProductFactory(name="Sourdough loaf", price=Decimal("4.80"), stock=10),
        delivery=SlotFactory(kind="delivery", capacity=5),
        pickup=SlotFactory(kind="pickup", capacity=5),
        coupon=CouponFactory(code="WELCOME10", kind="percent", value=Decimal("10"), max_uses=1),
    )


def _cart(client, product, quantity=2):
    """Fill the anonymous visitor's session cart through the cart page."""
    response = client.post("/cart/add/", {"product": product.pk, "quantity": quantity})
    assert response.status_code == 302


def _form(slot, *, token=None, email=EMAIL, kind=None, address=ADDRESS, **extra):
    data = {
        "token": token or uuid4().hex,
        "slot": slot.pk,
        "kind": kind or slot.kind,
        "email": email,
        "name": "Sam Baker",
        "phone": "020 7946 0000",
        "coupon": "",
        **extra,
    }
    if (kind or slot.kind) == "delivery":
        data.update(address)
    return data


def _state():
    return {
        "stock": dict(Product.objects.values_list("name", "stock")),
        "reserved": dict(Slot.objects.values_list("pk", "reserved")),
        "uses": dict(Coupon.objects.values_list("code", "uses")),
        "cart": sorted(CartLine.objects.values_list("product__name", "quantity")),
        "orders": Order.objects.count(),
    }


def _guest_order(shop, *, email=EMAIL, slot=None, key=None, quantity=1, **kwargs):
    """A guest order placed through the service, from a fresh session cart."""
    client = Client()
    _cart(client, shop.bread, quantity)
    slot = slot or shop.pickup
    order, _ = checkout_place_as_guest(
        cart_id=client.session["cart_id"],
        email=email,
        name="Sam Baker",
        phone="+442079460000",
        address=ADDRESS if slot.kind == "delivery" else None,
        slot_id=slot.pk,
        idempotency_key=key or uuid4().hex,
        **kwargs,
    )
    return order


# --- End to end -------------------------------------------------------------------------


def test_a_guest_orders_pays_by_the_emailed_link_and_sees_the_order_paid(
    client, shop, committed, mailoutbox
):
    _cart(client, shop.bread, 2)
    page = client.get("/checkout/").content.decode()
    assert 'name="email"' in page and 'name="postcode"' in page
    assert "Sign in" in page

    with committed():
        response = client.post("/checkout/", _form(shop.delivery, email="Sam@Example.com"))

    order = Order.objects.get()
    assert order.user is None
    assert order.guest_email == order.contact_email == EMAIL
    assert order.contact_name == "Sam Baker"
    assert order.contact_phone == "+44 20 7946 0000"  # as a profile's phone is copied
    assert order.delivery_postcode == "SW1A 1AA"
    assert order.delivery_address.startswith("Sam Baker\n1 Mill Lane\nLondon SW1A 1AA")
    assert order.delivery_instructions == "Blue door"
    assert shop.bread.__class__.objects.get(pk=shop.bread.pk).stock == 8
    assert not CartLine.objects.exists()
    payment = Payment.objects.get(order=order)
    assert response["Location"].startswith(f"/payments/sandbox/{payment.reference}/?link=")

    # The confirmation email goes to the guest, with the signed link to the order.
    (mail,) = mailoutbox
    assert mail.to == [EMAIL]
    assert f"Order {order.number} is placed" in mail.subject
    link = LINK.search(mail.body).group(1)
    assert "ordered from Orderly as a guest" in mail.body
    notification = Notification.objects.get()
    assert notification.recipient is None and notification.link == link

    # A browser with nothing but the link (no session) opens the order and pays.
    browser = Client()
    page = browser.get(link).content.decode()
    assert f"Order {order.number}" in page
    assert "Sourdough loaf" in page and EMAIL in page
    assert f'action="{link}pay/"' in page
    to_pay = browser.post(f"{link}pay/")
    assert to_pay.status_code == 302
    paid = browser.post(to_pay["Location"], {"outcome": "pay"})
    # Back on the order's page by a fresh link (its expiry starts again).
    assert paid["Location"].startswith(f"/guest/orders/{order.number}:")
    assert paid["Location"].endswith("?payment=returned")
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    page = browser.get(link).content.decode()
    assert "Paid" in page
    assert "/pay/" not in page
    assert OrderEvent.objects.get(order=order, from_status="").acted_by == "customer"


def test_the_guest_cancels_a_paid_order_by_their_link_and_is_refunded(shop, committed, mailoutbox):
    order = _guest_order(shop, coupon_code="welcome10")
    link = guest_link_path(number=order.number)
    browser = Client()
    browser.post(browser.post(f"{link}pay/")["Location"], {"outcome": "pay"})
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert Coupon.objects.get().uses == 1

    confirm = browser.get(f"{link}cancel/").content.decode()
    assert "Cancel this order?" in confirm and "refunded in full" in confirm
    with committed():
        response = browser.post(f"{link}cancel/")

    assert response["Location"] == link
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert Refund.objects.get(payment__order=order).amount == order.total
    assert Coupon.objects.get().uses == 0  # the coupon's use is given back
    assert Product.objects.get().stock == 10
    event = order.events.get(to_status=Order.Status.CANCELLED)
    assert event.acted_by == "customer" and event.actor is None
    cancelled = [m for m in mailoutbox if "is cancelled" in m.subject]
    assert cancelled[0].to == [EMAIL]
    assert "You cancelled" in cancelled[0].body


def test_a_guest_cannot_cancel_once_the_order_is_on_its_way(shop):
    order = _guest_order(shop)
    order_transition(order=order, to=Order.Status.PAID, by=None)
    staff = UserFactory(is_superuser=True)
    order_transition(order=order, to=Order.Status.PREPARING, by=staff)
    order_transition(order=order, to=Order.Status.READY, by=staff)
    link = guest_link_path(number=order.number)

    page = Client().get(f"{link}cancel/").content.decode()
    assert "cannot be cancelled" in page
    Client().post(f"{link}cancel/")
    order.refresh_from_db()
    assert order.status == Order.Status.READY


def test_the_guests_cancel_pages_lead_back_to_their_link(shop):
    order = _guest_order(shop)
    link = guest_link_path(number=order.number)
    browser = Client()

    asking = browser.get(f"{link}cancel/").content.decode()
    assert "Cancel this order?" in asking and "refunded" not in asking
    assert f'href="{link}">No, keep it' in asking

    order_transition(order=order, to=Order.Status.PAID, by=None)
    staff = UserFactory(is_superuser=True)
    order_transition(order=order, to=Order.Status.PREPARING, by=staff)
    order_transition(order=order, to=Order.Status.READY, by=staff)
    refused = browser.get(f"{link}cancel/").content.decode()
    assert "cannot be cancelled" in refused
    assert f'href="{link}">Back to the order' in refused
    assert f'href="/orders/{order.number}/"' not in refused


# --- The link --------------------------------------------------------------------------


def test_a_tampered_link_is_a_404(shop):
    order = _guest_order(shop)
    link = guest_link_path(number=order.number)
    token = link.split("/")[3]
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    other_digit = "8" if order.number.endswith("9") else "9"
    other_number = token.replace(order.number, order.number[:-1] + other_digit)

    for bad in (forged, other_number, order.number, "nothing"):
        assert Client().get(f"/guest/orders/{bad}/").status_code == 404
        assert Client().post(f"/guest/orders/{bad}/pay/").status_code == 404
        assert Client().post(f"/guest/orders/{bad}/cancel/").status_code == 404
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT


def test_an_expired_link_is_a_404(shop, settings, monkeypatch):
    settings.GUEST_ORDER_LINK_DAYS = 60
    order = _guest_order(shop)
    now = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: now - 61 * 86400)
    old_link = guest_link_path(number=order.number)
    monkeypatch.setattr(signing.time, "time", lambda: now - 59 * 86400)
    recent_link = guest_link_path(number=order.number)
    monkeypatch.undo()

    assert Client().get(old_link).status_code == 404
    assert Client().get(recent_link).status_code == 200


def test_no_link_opens_another_guests_order_or_a_customers(shop):
    mine = _guest_order(shop)
    theirs = _guest_order(shop, email="someone@example.com")
    customers = place_order()
    signer = signing.TimestampSigner(salt=LINK_SALT)

    page = Client().get(guest_link_path(number=mine.number)).content.decode()
    assert mine.number in page and theirs.number not in page
    # A customer's order is never a guest's, even with a genuine signature for its number.
    assert Client().get(f"/guest/orders/{signer.sign(customers.number)}/").status_code == 404
    # Another salt's signature (the sandbox's payment links) is no key to an order.
    other = signing.TimestampSigner(salt="orderly.sandbox.payment-link").sign(theirs.number)
    assert Client().get(f"/guest/orders/{other}/").status_code == 404
    # Signed in or not, the customer pages do not show a guest order.
    assert Client().get(f"/orders/{mine.number}/").status_code == 302
    client = Client()
    client.force_login(UserFactory())
    assert client.get(f"/orders/{mine.number}/").status_code == 404


# --- Off by default ----------------------------------------------------------------------


def test_with_guest_checkout_off_nothing_changes(client, api_client, shop, settings):
    settings.GUEST_CHECKOUT = False
    _cart(client, shop.bread)
    before = _state()

    page = client.get("/checkout/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")
    assert client.post("/checkout/", _form(shop.pickup))["Location"].startswith("/accounts/login/")
    _cart(api_client, shop.bread)
    body = {
        "slot": shop.pickup.pk,
        "guest": {"email": EMAIL, "name": "Sam", "phone": "+442079460000"},
    }
    response = api_client.post(
        "/api/v1/orders/", body, format="json", headers={"Idempotency-Key": "k"}
    )
    assert response.status_code == 401
    with pytest.raises(GuestCheckoutOff):
        checkout_place_as_guest(
            cart_id=client.session["cart_id"],
            email=EMAIL,
            name="Sam",
            phone="+442079460000",
            address=None,
            slot_id=shop.pickup.pk,
            idempotency_key="k",
        )
    after = _state()
    assert after["orders"] == before["orders"] == 0
    assert after["stock"] == before["stock"]


# --- The API ---------------------------------------------------------------------------


def _api_guest(client, shop, *, slot=None, key="key-1", address=ADDRESS, **guest):
    slot = slot or shop.delivery
    body = {
        "slot": slot.pk,
        "guest": {"email": EMAIL, "name": "Sam Baker", "phone": "+44 20 7946 0000", **guest},
        "address": address if slot.kind == "delivery" else None,
    }
    return client.post("/api/v1/orders/", body, format="json", headers={"Idempotency-Key": key})


def test_the_api_places_a_guest_order_and_a_replay_returns_it(shop):
    client = APIClient()
    _cart(client, shop.bread, 2)

    first = _api_guest(client, shop)
    assert first.status_code == 201, first.json()
    body = first.json()
    order = Order.objects.get()
    assert body["number"] == order.number and order.user is None
    assert body["guest_url"].startswith(f"http://testserver/guest/orders/{order.number}:")
    assert Client().get(body["guest_url"]).status_code == 200
    assert body["can_cancel"] is True
    _cart(client, shop.bread, 1)  # a new cart line: a replay must not check it out

    again = _api_guest(client, shop)
    assert again.status_code == 201
    assert again.json()["number"] == order.number
    assert Order.objects.count() == 1
    assert CartLine.objects.get().quantity == 1
    assert CheckoutRequest.objects.get().guest.endswith(f"email={EMAIL}")


def test_the_same_key_from_another_session_is_another_checkout(shop):
    first, second = APIClient(), APIClient()
    _cart(first, shop.bread)
    _cart(second, shop.bread)
    assert _api_guest(first, shop).status_code == 201
    assert _api_guest(second, shop).status_code == 201
    assert Order.objects.count() == 2


def test_the_api_refuses_bad_guest_details_naming_the_field(shop):
    client = APIClient()
    _cart(client, shop.bread)
    before = _state()

    cases = [
        ({"email": "not-an-email"}, ADDRESS, "guest.email"),
        ({"phone": "12"}, ADDRESS, "guest.phone"),
        ({"name": ""}, ADDRESS, "guest.name"),
        ({"name": "Sam\nBaker"}, ADDRESS, "guest.name"),
        ({}, {**ADDRESS, "postcode": "12345"}, "address.postcode"),
        ({}, {**ADDRESS, "country": "DE", "postcode": "SW1A 1AA"}, "address.postcode"),
        ({}, None, "address"),
    ]
    for guest, address, field in cases:
        response = _api_guest(client, shop, address=address, key=uuid4().hex, **guest)
        assert response.status_code == 400, (field, response.json())
        body = response.json()
        assert body["field"] == field, body
    assert _state() == before


def test_the_api_keeps_csrf_for_a_guests_session():
    client = APIClient(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/orders/",
        {"slot": 1, "guest": {"email": EMAIL, "name": "S", "phone": "+442079460000"}},
        format="json",
        headers={"Idempotency-Key": "k"},
    )
    assert response.status_code == 403
    assert not Order.objects.exists()


def test_a_pickup_for_a_guest_takes_no_address(shop):
    client = APIClient()
    _cart(client, shop.bread)
    refused = _api_guest(client, shop, slot=shop.pickup, key="a")
    assert refused.status_code == 201
    assert Order.objects.get().delivery_address == ""


# --- Every rule holds for guests ---------------------------------------------------------


def test_a_guest_cannot_buy_more_than_the_stock(shop):
    client = APIClient()
    _cart(client, shop.bread, 5)
    Product.objects.filter(pk=shop.bread.pk).update(stock=3)
    before = _state()

    response = _api_guest(client, shop)

    assert response.status_code == 409
    assert response.json()["code"] == "out_of_stock"
    assert _state() == before


@pytest.mark.parametrize("problem", ["full", "closed"])
def test_a_guest_cannot_book_a_full_or_closed_slot(shop, problem):
    if problem == "full":
        Slot.objects.filter(pk=shop.delivery.pk).update(capacity=1, reserved=1)
    else:
        Slot.objects.filter(pk=shop.delivery.pk).update(is_open=False)
    client = APIClient()
    _cart(client, shop.bread)
    before = _state()

    response = _api_guest(client, shop)

    assert response.status_code in {400, 409}
    assert response.json()["field"] == "slot"
    assert _state() == before


def test_a_guests_coupon_is_used_once_and_given_back_when_the_order_expires(shop, settings):
    order = _guest_order(shop, coupon_code="WELCOME10")
    assert order.discount > 0
    assert Coupon.objects.get().uses == 1

    client = APIClient()
    _cart(client, shop.bread)
    body = {
        "slot": shop.pickup.pk,
        "coupon": "welcome10",
        "guest": {"email": "other@example.com", "name": "Jo", "phone": "+442079460000"},
    }
    used_up = client.post("/api/v1/orders/", body, format="json", headers={"Idempotency-Key": "x"})
    assert used_up.status_code == 409
    assert used_up.json()["field"] == "coupon"

    order_transition(order=order, to=Order.Status.EXPIRED, by=None, note="Not paid in time.")
    assert Coupon.objects.get().uses == 0


def test_the_open_order_limit_counts_a_guests_email_and_its_account(shop, settings):
    settings.MAX_OPEN_ORDERS = 3
    account = UserFactory(email=EMAIL)
    place_order(user=account)
    _guest_order(shop)
    _guest_order(shop, email=EMAIL.upper())
    assert Order.objects.filter(status=Order.Status.PENDING_PAYMENT).count() == 3

    client = APIClient()
    _cart(client, shop.bread)
    before = _state()
    refused = _api_guest(client, shop)
    assert refused.status_code == 409
    assert refused.json()["code"] == "too_many_open_orders"
    assert _state() == before

    other = _api_guest(client, shop, email="someone.else@example.com", key="other")
    assert other.status_code == 201


# --- The order becomes theirs -------------------------------------------------------------


def _verify(email_address):
    request = RequestFactory().get("/")
    request.session = {}
    request._messages = type("Messages", (), {"add": lambda *a, **k: None})()
    EmailConfirmationHMAC(email_address).confirm(request)


def test_guest_orders_become_the_users_when_they_verify_that_email(shop):
    order = _guest_order(shop)
    theirs = _guest_order(shop, email="someone@example.com")
    user = UserFactory(email=EMAIL, verified=False)
    address = EmailAddress.objects.create(user=user, email=EMAIL, primary=True, verified=False)

    order.refresh_from_db()
    assert order.user is None  # signed up, not verified: nothing is attached

    _verify(address)

    order.refresh_from_db()
    theirs.refresh_from_db()
    assert order.user == user and order.guest_email == EMAIL
    assert theirs.user is None
    client = Client()
    client.force_login(user)
    assert order.number in client.get("/orders/").content.decode()
    assert client.get(f"/orders/{order.number}/").status_code == 200


def test_signing_in_with_an_unverified_email_attaches_nothing(shop):
    order = _guest_order(shop)
    user = UserFactory(email=EMAIL, verified=False)
    EmailAddress.objects.create(user=user, email=EMAIL, primary=True, verified=False)

    Client().force_login(user)

    order.refresh_from_db()
    assert order.user is None


def test_signing_in_with_an_already_verified_email_attaches_the_guest_order(shop):
    user = UserFactory(email=EMAIL)
    order = _guest_order(shop)

    client = Client()
    client.force_login(user)

    order.refresh_from_db()
    assert order.user == user


def test_claiming_attaches_only_guest_orders(shop):
    customer = place_order(user=UserFactory(email="a@example.com"))
    assert guest_orders_claim(user=UserFactory(email="b@example.com"), email="a@example.com") == 0
    customer.refresh_from_db()
    assert customer.user.email == "a@example.com"


# --- Cost ----------------------------------------------------------------------------------


def _guest_queries() -> int:
    """28 on PostgreSQL (one reads the delivery zones; none reads option choices, as no
    product here has options); SQLite runs one writer at a time and takes no advisory lock."""
    from django.db import connection

    return 28 if connection.vendor == "postgresql" else 27


@pytest.mark.parametrize("line_count", [1, 20])
def test_guest_checkout_query_count_does_not_grow_with_the_cart(
    django_assert_num_queries, line_count
):
    from orders.models import Cart
    from tests.factories import CartLineFactory

    cart = Cart.objects.create(user=None)
    for _ in range(line_count):
        CartLineFactory(cart=cart, product=ProductFactory(stock=50), quantity=2)
    slot = SlotFactory(kind="delivery")
    coupon = CouponFactory(code="TEN")

    # A customer's checkout (test_checkout.QUERIES, 31) less the email-verified check, the
    # email preference (a guest has neither), the user row lock and the read of option
    # choices (these products have none), plus the advisory lock on the email (the lock on
    # an account of that email is the same one query as the user's).
    with django_assert_num_queries(_guest_queries()):
        order, created = checkout_place_as_guest(
            cart_id=cart.pk,
            email=EMAIL,
            name="Sam Baker",
            phone="+442079460000",
            address=ADDRESS,
            slot_id=slot.pk,
            coupon_code=coupon.code,
            idempotency_key="k",
        )
    assert created
    assert order.lines.count() == line_count
    assert set(Product.objects.values_list("stock", flat=True)) == {48}


def test_a_refused_guest_checkout_keeps_what_was_written_and_changes_nothing(client, shop):
    _cart(client, shop.bread)
    before = _state()

    response = client.post(
        "/checkout/", _form(shop.delivery, address={**ADDRESS, "postcode": "12345"}), follow=True
    )

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/checkout/"
    assert "postcode" in page.lower()
    assert 'value="sam@example.com"' in page and 'value="1 Mill Lane"' in page
    assert _state() == before


def test_erasing_the_account_of_a_claimed_guest_order_ends_its_link(shop):
    order = _guest_order(shop)
    link = guest_link_path(number=order.number)
    user = UserFactory(email=EMAIL)
    guest_orders_claim(user=user, email=EMAIL)
    assert Client().get(link).status_code == 200

    orders_anonymise(user=user)

    assert Client().get(link).status_code == 404
    order.refresh_from_db()
    assert order.guest_email == order.contact_email == order.contact_phone == ""


def test_a_guest_is_reminded_of_the_slot_once_by_email(shop, committed, mailoutbox):
    soon = SlotFactory(kind="pickup", hours_ahead=3, capacity=5)
    order = _guest_order(shop, slot=soon)
    order_transition(order=order, to=Order.Status.PAID, by=None)
    starts = timezone.now() + timedelta(minutes=30)
    Slot.objects.filter(pk=soon.pk).update(starts_at=starts, ends_at=starts + timedelta(hours=2))
    mailoutbox.clear()

    with committed():
        assert slot_reminders_send() == 1
        assert slot_reminders_send() == 0

    (mail,) = mailoutbox
    assert mail.to == [EMAIL] and "slot starts soon" in mail.subject
    assert "/guest/orders/" in mail.body


def test_a_guests_paid_order_gets_an_invoice_with_the_guests_details(shop):
    order = _guest_order(shop)
    browser = Client()
    link = guest_link_path(number=order.number)
    browser.post(browser.post(f"{link}pay/")["Location"], {"outcome": "pay"})

    invoice = invoice_of_order(order=order)
    assert invoice.buyer_email == EMAIL and invoice.buyer_name == "Sam Baker"


def test_a_guest_downloads_the_invoice_from_their_order_page_once_paid(shop):
    order = _guest_order(shop)
    browser = Client()
    link = guest_link_path(number=order.number)
    # Before payment there is no invoice: no link, and a 404 as the customer's API answers.
    assert "Download invoice" not in browser.get(link).content.decode()
    assert browser.get(f"{link}invoice/").status_code == 404

    browser.post(browser.post(f"{link}pay/")["Location"], {"outcome": "pay"})
    number = invoice_of_order(order=order).number
    page = browser.get(link).content.decode()
    assert f'href="{link}invoice/" download="{number}.pdf"' in page
    assert f"Download invoice {number} (PDF)" in page

    reply = browser.get(f"{link}invoice/")
    assert reply.status_code == 200
    assert reply["Content-Type"] == "application/pdf"
    assert reply["Content-Disposition"] == f'inline; filename="{number}.pdf"'
    assert reply.content.startswith(b"%PDF-")
    assert browser.post(f"{link}invoice/").status_code == 405


def test_a_tampered_or_expired_link_gets_no_invoice(shop, monkeypatch):
    order = _guest_order(shop)
    link = guest_link_path(number=order.number)
    browser = Client()
    browser.post(browser.post(f"{link}pay/")["Location"], {"outcome": "pay"})
    assert browser.get(f"{link}invoice/").status_code == 200
    token = link.split("/")[3]
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    now = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: now - 61 * 86400)
    expired = guest_link_path(number=order.number).split("/")[3]
    monkeypatch.undo()

    for bad in (forged, expired, order.number, "nothing"):
        reply = Client().get(f"/guest/orders/{bad}/invoice/")
        assert reply.status_code == 404
        assert not reply.content.startswith(b"%PDF-")


def test_an_anonymous_checkout_without_guest_details_still_needs_a_sign_in(shop):
    client = APIClient()
    _cart(client, shop.bread)
    response = client.post(
        "/api/v1/orders/", {"slot": shop.pickup.pk}, format="json", headers={"Idempotency-Key": "k"}
    )
    assert response.status_code == 401
    assert not Order.objects.exists()


# --- Delivery areas ----------------------------------------------------------------------


def test_a_guests_typed_address_goes_through_the_delivery_zones(shop):
    """The zone step reads the postcode and country the order copies, so a guest's inline
    address is refused outside every zone and priced by its zone inside one."""
    delivery_zone("E1", name="East", fee=Decimal("3.00"))
    client = APIClient()
    _cart(client, shop.bread, 2)
    before = _state()

    refused = _api_guest(client, shop)  # SW1A 1AA: no zone covers it
    assert refused.status_code == 400
    assert refused.json()["code"] == "not_deliverable"
    assert refused.json()["field"] == "address"
    assert _state() == before

    placed = _api_guest(client, shop, key="key-2", address={**ADDRESS, "postcode": "E1 6AN"})
    assert placed.status_code == 201, placed.json()
    order = Order.objects.get()
    assert (order.delivery_zone_name, order.delivery_fee) == ("East", Decimal("3.00"))
    assert order.delivery_country == "GB"


def test_a_guests_order_page_names_the_delivery_area(shop):
    delivery_zone("SW1", name="Westminster", fee=Decimal("3.00"))
    delivered = _guest_order(shop, slot=shop.delivery)
    picked_up = _guest_order(shop)

    page = Client().get(guest_link_path(number=delivered.number)).content.decode()
    assert '<dd class="delivery-area">Westminster</dd>' in page
    page = Client().get(guest_link_path(number=picked_up.number)).content.decode()
    assert "Delivery area" not in page
