"""The staff order board and the managers' sales dashboard."""

import re
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders.errors import OrderMovedOn
from orders.models import Order, OrderEvent
from orders.services.transitions import order_advance, order_transition
from orders.signals import order_changing
from tests.concurrency import run_concurrently
from tests.factories import OrderFactory, ProductFactory, SlotFactory, place_order
from tests.orders.staff_helpers import role_member

pytestmark = pytest.mark.django_db

S = Order.Status


def _today_at(hour: int) -> datetime:
    return datetime.combine(
        timezone.localdate(), time(hour), tzinfo=timezone.get_current_timezone()
    )


def _paid_order(**kwargs) -> Order:
    return order_transition(order=place_order(**kwargs), to=S.PAID, by=None)


@pytest.mark.parametrize(
    ("role", "board", "dashboard"),
    [("customer", 403, 403), ("staff", 200, 403), ("manager", 200, 200)],
)
def test_who_may_open_the_board_and_the_dashboard(client, role, board, dashboard):
    client.force_login(role_member(role))

    assert client.get("/staff/board/").status_code == board
    assert client.get("/staff/dashboard/").status_code == dashboard


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/staff/board/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_the_nav_links_the_staff_pages_to_those_who_may_open_them(client):
    client.force_login(role_member("staff"))
    staff_nav = client.get("/").content.decode()
    client.force_login(role_member("manager"))
    manager_nav = client.get("/").content.decode()

    assert 'href="/staff/board/"' in staff_nav
    assert 'href="/staff/dashboard/"' not in staff_nav
    assert 'href="/staff/dashboard/"' in manager_nav


def test_the_board_shows_todays_paid_orders_by_slot_with_lines_and_contact(client):
    morning = SlotFactory(kind="pickup", starts_at=_today_at(9), ends_at=_today_at(10))
    evening = SlotFactory(kind="delivery", starts_at=_today_at(18), ends_at=_today_at(20))
    early = OrderFactory(slot=morning, status=S.PAID, contact_name="Ada Early")
    early.lines.create(
        product_name="Sourdough",
        sku="B1",
        unit_price=4,
        tax_rate=0,
        quantity=2,
        line_total=8,
        net=8,
        tax=0,
        gross=8,
    )
    OrderFactory(slot=evening, status=S.PREPARING, contact_name="Bo Late", contact_phone="0123")
    OrderFactory(slot=morning, status=S.PENDING_PAYMENT, contact_name="Not Paid Yet")
    tomorrow = SlotFactory(starts_at=_today_at(9) + timedelta(days=1))
    OrderFactory(slot=tomorrow, status=S.PAID, contact_name="Cy Tomorrow")
    client.force_login(role_member("staff"))

    page = client.get("/staff/board/").content.decode()
    other_day = client.get(f"/staff/board/?date={tomorrow.starts_at.date()}").content.decode()

    assert page.index("Ada Early") < page.index("Bo Late")
    assert "2 \u00d7</span> Sourdough" in page
    assert "0123" in page
    assert "Start preparing" in page and "Send out for delivery" in page
    assert "Not Paid Yet" not in page and "Cy Tomorrow" not in page
    assert "Cy Tomorrow" in other_day and "Ada Early" not in other_day


@pytest.mark.parametrize("bad", ["2026-13-01", "yesterday", "2026-02-30"])
def test_a_bad_date_on_the_board_is_a_400(client, bad):
    client.force_login(role_member("staff"))

    assert client.get(f"/staff/board/?date={bad}").status_code == 400


def test_htmx_polls_get_only_the_board_part(client):
    client.force_login(role_member("staff"))

    full = client.get("/staff/board/").content.decode()
    part = client.get("/staff/board/", headers={"HX-Request": "true"}).content.decode()

    assert 'hx-trigger="every 15s"' in full
    assert part.lstrip().startswith('<section id="board"')
    assert "<html" not in part


def test_the_board_reads_a_fixed_number_of_queries_however_many_orders(client):
    client.force_login(role_member("staff"))
    slot = SlotFactory(kind="pickup", starts_at=_today_at(9), ends_at=_today_at(10))

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/staff/board/").status_code == 200
        return len(queries)

    OrderFactory(slot=slot, status=S.PAID).lines.create(
        product_name="Bun",
        sku="B",
        unit_price=1,
        tax_rate=0,
        quantity=1,
        line_total=1,
        net=1,
        tax=0,
        gross=1,
    )
    client.get("/")  # the first request after signing in also records the session
    few = count_queries()
    for hour in range(12, 17):
        OrderFactory(
            slot=SlotFactory(starts_at=_today_at(hour), ends_at=_today_at(hour + 1)),
            status=S.PAID,
        )
    assert count_queries() == few


def test_a_board_click_moves_the_order_one_state_writes_one_event_and_tells_once(
    client, django_capture_on_commit_callbacks
):
    order = _paid_order()
    changes = []
    order_changing.connect(
        lambda **kw: changes.append(kw["to_status"]), weak=False, dispatch_uid="t-board"
    )
    staff = role_member("staff")
    client.force_login(staff)

    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/staff/board/{order.number}/advance/",
                {"from_status": "paid", "date": str(timezone.localdate())},
                follow=True,
            )
    finally:
        order_changing.disconnect(dispatch_uid="t-board")

    assert response.status_code == 200
    assert f"Order {order.number} is now being prepared." in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == S.PREPARING
    event = OrderEvent.objects.get(order=order, to_status=S.PREPARING)
    assert (event.from_status, event.actor) == (S.PAID, staff)
    assert changes == [S.PREPARING]


def test_a_board_click_to_ready_tells_the_customer_in_the_inbox_and_by_email(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    from notifications.models import Kind, Notification

    order = _paid_order()
    client.force_login(role_member("staff"))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for from_status in ("paid", "preparing"):
            client.post(
                f"/staff/board/{order.number}/advance/",
                {"from_status": from_status, "date": str(timezone.localdate())},
            )

    order.refresh_from_db()
    nexts = {Order.Kind.PICKUP: Kind.ORDER_READY, Order.Kind.DELIVERY: Kind.OUT_FOR_DELIVERY}
    told = Notification.objects.get(recipient=order.user, kind=nexts[order.kind])
    assert order.number in told.title
    assert [mail.subject for mail in mailoutbox] == [f"[Orderly] {told.title}"]


def test_an_outdated_click_is_refused_and_not_applied_twice(client):
    order = _paid_order()
    client.force_login(role_member("staff"))
    url = f"/staff/board/{order.number}/advance/"

    client.post(url, {"from_status": "paid"})
    again = client.post(url, {"from_status": "paid"}, follow=True)

    assert "is already being prepared: nothing was changed" in again.content.decode()
    assert Order.objects.get(pk=order.pk).status == S.PREPARING
    assert OrderEvent.objects.filter(order=order).count() == 3  # placed, paid, preparing


def test_customers_cannot_move_orders_from_the_board(client):
    order = _paid_order()
    client.force_login(role_member("customer"))

    response = client.post(f"/staff/board/{order.number}/advance/", {"from_status": "paid"})

    assert response.status_code == 403
    assert Order.objects.get(pk=order.pk).status == S.PAID


def test_nothing_comes_next_for_an_unpaid_order():
    order = place_order()

    with pytest.raises(Exception, match="Nothing comes next"):
        order_advance(order=order, from_status=S.PENDING_PAYMENT, by=role_member("staff"))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_move_the_order_once():
    order = _paid_order()
    staff = [role_member("staff"), role_member("staff")]

    results = run_concurrently(
        lambda i: order_advance(order=order, from_status=S.PAID, by=staff[i]), times=2
    )

    assert sum(isinstance(r, Order) for r in results) == 1
    assert sum(isinstance(r, OrderMovedOn) for r in results) == 1
    assert Order.objects.get(pk=order.pk).status == S.PREPARING
    assert OrderEvent.objects.filter(order=order, to_status=S.PREPARING).count() == 1


def test_the_dashboard_totals_equal_the_paid_orders_at_a_fixed_query_count(client):
    bread = ProductFactory(name="Sourdough", price=Decimal("4.00"), stock=100)
    client.force_login(role_member("manager"))

    def dashboard():
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/staff/dashboard/")
        assert response.status_code == 200
        return response, len(queries)

    _paid_order(products=[bread], quantity=2)
    client.get("/")  # the first request after signing in also records the session
    _, few = dashboard()
    for _ in range(3):
        _paid_order(products=[bread])
    order_transition(order=_paid_order(), to=S.CANCELLED, by=None)  # refunded: not a sale
    place_order()  # unpaid: not a sale
    response, many = dashboard()

    sold = Order.objects.filter(status__in=[S.PAID, S.PREPARING, S.READY, S.COMPLETED])
    expected = sum((o.total for o in sold), Decimal("0.00"))
    context = response.context
    assert many == few
    assert context["sales_total"] == expected
    assert context["sales_orders"] == sold.count() == 4
    assert context["today_sales"].total == expected
    assert context["top_products"][0]["name"] == "Sourdough"
    assert context["top_products"][0]["quantity"] == 5
    page = response.content.decode()
    assert 'class="chart"' in page and "<rect" in page
    assert "style=" not in page


def test_a_board_card_names_the_customer_with_phone_and_delivery_address(client):
    """A customer whose profile has no name or phone: the delivery address has both."""
    from tests.factories import AddressFactory, UserFactory

    customer = UserFactory(name="")
    address = AddressFactory(
        user=customer, recipient="Grace Hopper", line1="1 Loaf Lane", phone="+442079460000"
    )
    slot = SlotFactory(kind="delivery", starts_at=_today_at(12) + timedelta(days=1))
    order = _paid_order(user=customer, slot=slot, address=address)
    client.force_login(role_member("staff"))

    page = client.get(f"/staff/board/?date={timezone.localdate() + timedelta(days=1)}")
    page = page.content.decode()

    assert order.number in page
    assert "(no name)" not in page
    assert "Grace Hopper" in page.split("board-contact")[1]
    assert "+44 20 7946 0000" in page
    assert "1 Loaf Lane" in page


def _board_with_a_paid_order(client, **headers):
    slot = SlotFactory(kind="pickup", starts_at=_today_at(9), ends_at=_today_at(10))
    order = OrderFactory(slot=slot, status=S.PAID, contact_name="Ada Early")
    return order, client.get("/staff/board/", **headers).content.decode()


@pytest.mark.parametrize("chosen", ["accept-language", "cookie"])
def test_staff_who_chose_german_see_the_board_in_german(client, chosen):
    client.force_login(role_member("staff"))
    headers = {"HTTP_ACCEPT_LANGUAGE": "de"} if chosen == "accept-language" else {}
    if chosen == "cookie":
        client.cookies["django_language"] = "de"

    order, page = _board_with_a_paid_order(client, **headers)

    assert order.number in page and "Ada Early" in page
    for german in ("Bestelltafel", "Vorbereitung beginnen", "Packzettel drucken", "Abholung"):
        assert german in page
    for english in ("Order board", "Start preparing", "Print slips", "1 order ·"):
        assert english not in page


def test_the_board_is_english_by_default(client):
    client.force_login(role_member("staff"))

    _, page = _board_with_a_paid_order(client)

    assert "Order board" in page and "Start preparing" in page and "Print slips" in page
    assert "Bestelltafel" not in page and "Vorbereitung beginnen" not in page


def test_a_german_board_click_says_so_in_german(client):
    order = _paid_order()
    client.force_login(role_member("staff"))

    response = client.post(
        f"/staff/board/{order.number}/advance/",
        {"from_status": "paid", "date": str(timezone.localdate())},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="de",
    )

    assert f"Bestellung {order.number} ist jetzt in Vorbereitung." in response.content.decode()
    assert "is now" not in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == S.PREPARING


def test_a_manager_who_chose_german_sees_the_dashboard_in_german(client):
    bread = ProductFactory(name="Sourdough", price=Decimal("4.00"), stock=1)
    _paid_order(products=[bread])
    client.force_login(role_member("manager"))

    page = client.get("/staff/dashboard/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "Sourdough" in page
    for german in (
        "Umsatzübersicht",
        "Umsatz pro Tag",
        "Meistverkaufte Produkte",
        "Niedriger Bestand",
        "Bestellungen nach Status",
        "In Vorbereitung",
        "1 Bestellung</title>",
    ):
        assert german in page
    for english in ("Sales dashboard", "Sales per day", "Top products", "Low stock", "Paid orders"):
        assert english not in page
    # The chart's coordinates stay SVG numbers (56.5), never German ones (56,5).
    assert re.search(r'<rect class="chart-bar" x="[\d.]+" y="[\d.]+" width="[\d.]+"', page)
    assert not re.search(r'(x|y|width|height)="\d+,\d', page)


def test_the_dashboard_is_english_by_default(client):
    bread = ProductFactory(name="Sourdough", price=Decimal("4.00"), stock=1)
    _paid_order(products=[bread])
    client.force_login(role_member("manager"))

    page = client.get("/staff/dashboard/").content.decode()

    for english in (
        "Sales dashboard",
        "Sales per day",
        "Top products",
        "Low stock",
        "1 order</title>",
    ):
        assert english in page
    assert "Umsatzübersicht" not in page
