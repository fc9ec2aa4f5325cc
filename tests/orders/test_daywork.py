"""The day's work: the prep list, packing slips and delivery runs (SPEC §7)."""

import csv
import importlib
import io
from datetime import date, datetime, time, timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers

from config.csv import csv_cell
from orders.food import allergen_mask
from orders.models import Order
from orders.selectors.daywork import delivery_runs, prep_list
from orders.services.account_data import orders_anonymise
from orders.services.transitions import order_transition
from tests.factories import (
    AddressFactory,
    CategoryFactory,
    OrderFactory,
    ProductFactory,
    SlotFactory,
    UserFactory,
    place_order,
)
from tests.orders.staff_helpers import role_member

pytestmark = pytest.mark.django_db

S = Order.Status
PAGES = ("/staff/prep/", "/staff/runs/")


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    """These tests make a customer per order; Argon2 would spend most of their time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


def _tomorrow() -> date:
    return timezone.localdate() + timedelta(days=1)


def _slot(day: date, hour: int, kind: str = "pickup"):
    return SlotFactory(kind=kind, starts_at=_at(day, hour), ends_at=_at(day, hour + 1))


def _order(status: str, *, slot, products, quantity: int = 1, **kwargs) -> Order:
    """An order placed through checkout, then moved to `status` as the shop would."""
    order = place_order(slot=slot, products=products, quantity=quantity, **kwargs)
    path = {
        S.PENDING_PAYMENT: [],
        S.PAID: [S.PAID],
        S.PREPARING: [S.PAID, S.PREPARING],
        S.OUT_FOR_DELIVERY: [S.PAID, S.PREPARING, S.OUT_FOR_DELIVERY],
        S.CANCELLED: [S.CANCELLED],
        S.EXPIRED: [S.EXPIRED],
    }[status]
    for step in path:
        order = order_transition(order=order, to=step, by=None)
    return order


@pytest.fixture
def bakery():
    """Two slots tomorrow and one the day after, with orders in every status worth telling
    apart. Only the paid and preparing ones of tomorrow are to be made:
    Bread: Baguette 3 (14:00), Sourdough 3 (09:00); Pastry: Croissant 1 (09:00) + 3 (14:00).
    """
    bread = CategoryFactory(name="Bread", slug="bread", position=1)
    pastry = CategoryFactory(name="Pastry", slug="pastry", position=2)
    sourdough = ProductFactory(name="Sourdough", sku="BR-SOUR", category=bread)
    baguette = ProductFactory(
        name="Baguette", sku="BR-BAG", category=bread, allergens_contains=allergen_mask(["gluten"])
    )
    croissant = ProductFactory(name="Croissant", sku="PA-CRO", category=pastry)
    day = _tomorrow()
    morning = _slot(day, 9)
    afternoon = _slot(day, 14, kind="delivery")
    later = _slot(day + timedelta(days=1), 10)

    _order(S.PAID, slot=morning, products=[sourdough], quantity=2)
    _order(S.PREPARING, slot=morning, products=[sourdough, croissant])
    _order(S.PENDING_PAYMENT, slot=morning, products=[sourdough], quantity=5)
    _order(S.CANCELLED, slot=morning, products=[croissant], quantity=7)
    _order(S.EXPIRED, slot=morning, products=[baguette], quantity=4)
    _order(S.PAID, slot=afternoon, products=[croissant, baguette], quantity=3)
    _order(S.PENDING_PAYMENT, slot=afternoon, products=[baguette], quantity=9)
    _order(S.PAID, slot=later, products=[sourdough], quantity=11)
    return {"day": day, "morning": morning, "afternoon": afternoon, "later": later}


def _slot_json(slot, quantity):
    return {
        "slot": slot.pk,
        "kind": slot.kind,
        "starts_at": serializers.DateTimeField().to_representation(slot.starts_at),
        "quantity": quantity,
    }


def test_the_prep_api_counts_only_the_days_paid_and_preparing_orders(api_client, bakery):
    api_client.force_authenticate(role_member("staff"))
    morning, afternoon = bakery["morning"], bakery["afternoon"]

    response = api_client.get(f"/api/v1/staff/prep/?date={bakery['day']}")

    assert response.status_code == 200
    assert response.json() == {
        "date": bakery["day"].isoformat(),
        "products": [
            {
                "sku": "BR-BAG",
                "name": "Baguette",
                "category": "Bread",
                "quantity": 3,
                "by_slot": [_slot_json(afternoon, 3)],
                "allergens": {"contains": ["gluten"], "may_contain": []},
                "options": [],
                "messages": [],
            },
            {
                "sku": "BR-SOUR",
                "name": "Sourdough",
                "category": "Bread",
                "quantity": 3,
                "by_slot": [_slot_json(morning, 3)],
                "allergens": None,
                "options": [],
                "messages": [],
            },
            {
                "sku": "PA-CRO",
                "name": "Croissant",
                "category": "Pastry",
                "quantity": 4,
                "by_slot": [_slot_json(morning, 1), _slot_json(afternoon, 3)],
                "allergens": None,
                "options": [],
                "messages": [],
            },
        ],
    }


def test_the_prep_page_and_csv_count_only_the_days_paid_and_preparing_orders(client, bakery):
    client.force_login(role_member("staff"))
    url = f"/staff/prep/?date={bakery['day']}"

    page = client.get(url).content.decode()
    response = client.get(url + "&format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))

    assert page.index("Bread") < page.index("Baguette") < page.index("Sourdough")
    assert page.index("Sourdough") < page.index("Pastry") < page.index("Croissant")
    assert "10 items of 3 products" in page
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="prep-{bakery["day"]}.csv"' in response["Content-Disposition"]
    assert rows == [
        [
            "Category",
            "SKU",
            "Product",
            "Options",
            "Pickup 09:00-10:00",
            "Delivery 14:00-15:00",
            "Total",
            "Messages",
        ],
        ["Bread", "BR-BAG", "Baguette", "", "0", "3", "3", ""],
        ["Bread", "BR-SOUR", "Sourdough", "", "3", "0", "3", ""],
        ["Pastry", "PA-CRO", "Croissant", "", "1", "3", "4", ""],
    ]


def test_the_prep_list_of_another_day_holds_only_that_days_orders(client, bakery):
    client.force_login(role_member("manager"))
    later = bakery["day"] + timedelta(days=1)

    rows = list(
        csv.reader(
            io.StringIO(client.get(f"/staff/prep/?date={later}&format=csv").content.decode())
        )
    )

    assert rows[1:] == [["Bread", "BR-SOUR", "Sourdough", "", "11", "11", ""]]


def test_a_day_with_nothing_paid_says_so(client):
    client.force_login(role_member("staff"))

    page = client.get("/staff/prep/").content.decode()

    assert "Nothing to prepare for" in page


def _paid_orders(slot, count: int, product):
    for _ in range(count):
        _order(S.PAID, slot=slot, products=[product])


def test_the_prep_list_is_two_queries_however_many_orders(django_assert_num_queries):
    day = _tomorrow()
    product = ProductFactory()
    _paid_orders(_slot(day, 9), 2, product)
    # the quantities, the lines' messages
    with django_assert_num_queries(2):
        assert prep_list(day=day).quantity == 2

    _paid_orders(_slot(day, 11), 6, ProductFactory())
    with django_assert_num_queries(2):
        assert prep_list(day=day).quantity == 8


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url", ["/staff/prep/", "/staff/prep/?format=csv", "/staff/runs/", "/api/v1/staff/prep/"]
)
def test_the_day_lists_read_as_many_queries_for_two_orders_as_for_many(client, url):
    day = _tomorrow()
    url = f"{url}{'&' if '?' in url else '?'}date={day}"
    client.force_login(role_member("staff"))
    client.get("/")  # the first request after signing in also records the session
    product, slot = ProductFactory(), _slot(day, 9, kind="delivery")
    for _ in range(2):
        _order(S.PAID, slot=slot, products=[product])
    few = _queries(client, url)

    for hour in range(10, 16):
        _order(S.PREPARING, slot=_slot(day, hour, kind="delivery"), products=[ProductFactory()])

    assert _queries(client, url) == few


# --- Who may see the day's work ------------------------------------------------


def _any_slip_urls():
    order = OrderFactory(status=S.PAID)
    return [f"/staff/orders/{order.number}/slip/", f"/staff/slots/{order.slot_id}/slips/"]


@pytest.mark.parametrize(("role", "status"), [("customer", 403), ("staff", 200), ("manager", 200)])
def test_only_staff_and_managers_open_the_days_work(client, api_client, role, status):
    user = role_member(role)
    client.force_login(user)
    api_client.force_authenticate(user)

    for url in [*PAGES, *_any_slip_urls()]:
        assert client.get(url).status_code == status, url
    assert api_client.get("/api/v1/staff/prep/").status_code == status


def test_visitors_are_sent_to_sign_in(client, api_client):
    for url in [*PAGES, *_any_slip_urls()]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/accounts/login/")
    assert api_client.get("/api/v1/staff/prep/").status_code in {401, 403}


@pytest.mark.parametrize("bad", ["abc", "9999-12-31", "0001-01-01", "2026-02-30", "20261224"])
def test_a_bad_date_is_a_400_never_a_500(client, api_client, bad):
    staff = role_member("staff")
    client.force_login(staff)
    api_client.force_authenticate(staff)

    for url in PAGES:
        assert client.get(f"{url}?date={bad}").status_code == 400, url
        assert client.get(f"{url}?date={bad}&format=csv").status_code == 400, url
    response = api_client.get(f"/api/v1/staff/prep/?date={bad}")
    assert response.status_code == 400
    assert response.json()["field"] == "date"


def test_the_calendars_last_usable_days_still_answer(client):
    client.force_login(role_member("staff"))

    for day in ("0001-01-02", "9999-12-30"):
        for url in PAGES:
            assert client.get(f"{url}?date={day}").status_code == 200


def test_an_unknown_format_is_a_400(client):
    client.force_login(role_member("staff"))

    assert client.get("/staff/prep/?format=xlsx").status_code == 400


def test_an_unknown_order_or_slot_has_no_slip(client):
    client.force_login(role_member("staff"))

    assert client.get("/staff/orders/ORD-2026-999999/slip/").status_code == 404
    assert client.get("/staff/slots/999999/slips/").status_code == 404


# --- Spreadsheets never run a customer's text ---------------------------------


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTabbed", "'\tTabbed"),
        ("\rReturn", "'\rReturn"),
        ("Sourdough", "Sourdough"),
        (3, 3),
    ],
)
def test_a_csv_cell_that_a_spreadsheet_would_run_gets_an_apostrophe(value, written):
    assert csv_cell(value) == written


def test_the_csvs_neutralise_formulas_from_product_names_and_addresses(client):
    day = _tomorrow()
    user = UserFactory(name="=cmd|' /C calc'!A0")
    address = AddressFactory(user=user, line1="@evil street", postcode="E1 6AN")
    product = ProductFactory(name="=1+1")
    _order(
        S.PAID, slot=_slot(day, 9, kind="delivery"), products=[product], user=user, address=address
    )
    client.force_login(role_member("staff"))

    prep = client.get(f"/staff/prep/?date={day}&format=csv").content.decode()
    runs = client.get(f"/staff/runs/?date={day}&format=csv").content.decode()

    assert list(csv.reader(io.StringIO(prep)))[1][2] == "'=1+1"
    row = list(csv.reader(io.StringIO(runs)))[1]
    assert row[3] == "'=cmd|' /C calc'!A0"
    assert "@evil street" in row[5] and not row[5].startswith("@")


# --- Packing slips -----------------------------------------------------------


def test_a_slip_shows_the_order_the_customer_and_a_tick_box_per_line(client):
    user = UserFactory(name="Ada Lovelace", phone="+447700900123")
    address = AddressFactory(
        user=user, line1="12 Bakery Lane", postcode="E1 6AN", instructions="Ring twice"
    )
    product = ProductFactory(name="Sourdough", sku="BR-SOUR")
    order = _order(
        S.PAID,
        slot=_slot(_tomorrow(), 9, kind="delivery"),
        products=[product, ProductFactory(name="Croissant")],
        quantity=2,
        user=user,
        address=address,
    )
    client.force_login(role_member("staff"))

    page = client.get(f"/staff/orders/{order.number}/slip/").content.decode()

    assert f'class="slip-number">{order.number}<' in page
    assert "Delivery</strong>" in page and "09:00\u201310:00" in page
    assert "Ada Lovelace" in page and "+447700900123" in page
    assert "12 Bakery Lane" in page and "Ring twice" in page
    assert page.count('class="tick"') == 2
    assert "Sourdough" in page and "BR-SOUR" in page and "Croissant" in page
    assert "This order is" not in page


def test_a_pickup_slip_says_pickup_and_a_cancelled_one_warns(client):
    order = _order(S.CANCELLED, slot=_slot(_tomorrow(), 9), products=[ProductFactory()])
    client.force_login(role_member("staff"))

    page = client.get(f"/staff/orders/{order.number}/slip/").content.decode()

    assert "Pickup in the shop" in page
    assert "This order is cancelled." in page


def test_a_slots_slips_are_its_paid_and_preparing_orders_one_a_page(client):
    slot = _slot(_tomorrow(), 9)
    product = ProductFactory()
    paid = _order(S.PAID, slot=slot, products=[product])
    preparing = _order(S.PREPARING, slot=slot, products=[product])
    pending = _order(S.PENDING_PAYMENT, slot=slot, products=[product])
    cancelled = _order(S.CANCELLED, slot=slot, products=[product])
    elsewhere = _order(S.PAID, slot=_slot(_tomorrow(), 11), products=[product])
    client.force_login(role_member("staff"))

    page = client.get(f"/staff/slots/{slot.pk}/slips/").content.decode()

    assert page.count('<article class="slip"') == 2
    assert paid.number in page and preparing.number in page
    for other in (pending, cancelled, elsewhere):
        assert other.number not in page


def test_a_slots_slips_read_as_many_queries_for_two_orders_as_for_many(client):
    slot = _slot(_tomorrow(), 9)
    client.force_login(role_member("staff"))
    client.get("/")
    for _ in range(2):
        _order(S.PAID, slot=slot, products=[ProductFactory()])
    few = _queries(client, f"/staff/slots/{slot.pk}/slips/")

    for _ in range(5):
        _order(S.PAID, slot=slot, products=[ProductFactory(), ProductFactory()])

    assert _queries(client, f"/staff/slots/{slot.pk}/slips/") == few


# --- Delivery runs -------------------------------------------------------------


def _delivery(status, slot, postcode, **kwargs):
    user = UserFactory()
    address = AddressFactory(user=user, postcode=postcode, **kwargs)
    return _order(status, slot=slot, products=[ProductFactory()], user=user, address=address)


def test_the_runs_list_the_days_deliveries_by_slot_in_postcode_order(client):
    day = _tomorrow()
    early, late = _slot(day, 10, kind="delivery"), _slot(day, 16, kind="delivery")
    e2 = _delivery(S.PAID, early, "E2 7AA", instructions="Leave with the neighbour")
    e1 = _delivery(S.PREPARING, early, "E1 6AN")
    out = _delivery(S.OUT_FOR_DELIVERY, late, "N1 9GU")
    a1 = _delivery(S.PAID, late, "A1 1AA")
    left_out = [
        _delivery(S.PENDING_PAYMENT, early, "E1 1AA"),
        _delivery(S.CANCELLED, early, "E1 2AA"),
        _delivery(S.EXPIRED, late, "E1 3AA"),
        _delivery(S.PAID, _slot(day + timedelta(days=1), 10, kind="delivery"), "E1 4AA"),
        _order(S.PAID, slot=_slot(day, 12), products=[ProductFactory()]),  # a pickup
    ]
    client.force_login(role_member("staff"))

    page = client.get(f"/staff/runs/?date={day}").content.decode()
    response = client.get(f"/staff/runs/?date={day}&format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))

    order = [page.index(o.number) for o in (e1, e2, a1, out)]
    assert order == sorted(order)
    assert "Leave with the neighbour" in page
    for other in left_out:
        assert other.number not in page
    assert [(r[0], r[1], r[2]) for r in rows[1:]] == [
        ("Delivery 10:00-11:00", "E1 6AN", e1.number),
        ("Delivery 10:00-11:00", "E2 7AA", e2.number),
        ("Delivery 16:00-17:00", "A1 1AA", a1.number),
        ("Delivery 16:00-17:00", "N1 9GU", out.number),
    ]
    assert rows[0] == [
        "Slot",
        "Postcode",
        "Order",
        "Customer",
        "Phone",
        "Address",
        "Instructions",
        "Note",
        "Items",
        "Status",
    ]
    assert rows[2][6] == "Leave with the neighbour"
    assert rows[2][8] == "1"
    assert f'filename="runs-{day}.csv"' in response["Content-Disposition"]


def test_the_runs_are_one_query_however_many_orders(django_assert_num_queries):
    day = _tomorrow()
    slot = _slot(day, 10, kind="delivery")
    for postcode in ("E1 1AA", "E1 2AA"):
        _delivery(S.PAID, slot, postcode)
    with django_assert_num_queries(1):
        assert len(delivery_runs(day=day)[0][1]) == 2

    for hour in (12, 14, 16):
        _delivery(S.PAID, _slot(day, hour, kind="delivery"), "N1 1AA")
    with django_assert_num_queries(1):
        assert len(delivery_runs(day=day)) == 4


# --- The ways in: the board and the admin index -------------------------------


def test_the_board_links_the_prep_list_the_runs_and_each_slots_slips(client):
    day = _tomorrow()
    slot = _slot(day, 9)
    order = _order(S.PAID, slot=slot, products=[ProductFactory()])
    client.force_login(role_member("staff"))

    page = client.get(f"/staff/board/?date={day}").content.decode()

    assert f'href="/staff/prep/?date={day}"' in page
    assert f'href="/staff/runs/?date={day}"' in page
    assert f'href="/staff/slots/{slot.pk}/slips/">Print slips' in page
    assert f'href="/staff/orders/{order.number}/slip/"' in page


def test_the_admin_index_links_the_days_work_for_staff(client):
    client.force_login(role_member("staff"))

    page = client.get("/admin/").content.decode()

    for url in ("/staff/board/", "/staff/prep/", "/staff/runs/"):
        assert f'href="{url}"' in page


# --- The address copied onto the order -----------------------------------------


def test_checkout_copies_the_postcode_and_instructions_and_erasure_removes_them():
    user = UserFactory()
    address = AddressFactory(user=user, postcode="E1 6AN", instructions="Blue door")
    order = _order(
        S.PAID,
        slot=_slot(_tomorrow(), 9, kind="delivery"),
        products=[ProductFactory()],
        user=user,
        address=address,
    )
    assert (order.delivery_postcode, order.delivery_instructions) == ("E1 6AN", "Blue door")

    orders_anonymise(user=user)

    order.refresh_from_db()
    assert (order.delivery_postcode, order.delivery_instructions) == ("", "")


def test_the_migration_finds_the_postcode_of_orders_placed_before_it():
    migration = importlib.import_module(
        "orders.migrations.0009_order_delivery_postcode_and_instructions"
    )
    user = UserFactory()
    address = AddressFactory(
        user=user, city="Milton Keynes", postcode="MK9 1AA", instructions="Side gate"
    )
    AddressFactory(user=user, postcode="E1 6AN")  # another of the customer's addresses
    before = OrderFactory(user=user, kind="delivery", delivery_address=address.as_text())
    edited_since = OrderFactory(user=user, kind="delivery", delivery_address="Gone\nE9 9ZZ")

    migration.copy_from_addresses(apps, None)

    before.refresh_from_db()
    edited_since.refresh_from_db()
    assert (before.delivery_postcode, before.delivery_instructions) == ("MK9 1AA", "Side gate")
    assert edited_since.delivery_postcode == ""


def test_staff_who_chose_german_see_the_prep_list_in_german(client, bakery):
    client.force_login(role_member("staff"))
    client.cookies["django_language"] = "de"

    page = client.get(f"/staff/prep/?date={bakery['day']}").content.decode()

    assert "Sourdough" in page and "Croissant" in page
    for german in ("Vorbereitungsliste", "Alle Produkte", "Abholung", "Lieferung", "Liefertouren"):
        assert german in page
    for english in ("Prep list", "All products", "10 items of 3 products", "Delivery runs"):
        assert english not in page


def test_the_prep_list_is_english_by_default(client, bakery):
    client.force_login(role_member("staff"))

    page = client.get(f"/staff/prep/?date={bakery['day']}").content.decode()

    assert "Prep list" in page and "All products" in page and "10 items of 3 products" in page
    assert "Vorbereitungsliste" not in page
