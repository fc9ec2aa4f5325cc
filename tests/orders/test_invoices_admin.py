"""Managers read invoices and credit notes in admin, change none, and download a period's
CSV for the accountant that adds up."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from orders.models import CreditNote, Invoice
from orders.services.transitions import order_cancel
from tests.factories import ProductFactory, UserFactory, place_order
from tests.payment_helpers import post_sandbox_webhook, sandbox_body, start_payment

pytestmark = pytest.mark.django_db

D = Decimal
YEAR = timezone.localdate().year


@pytest.fixture
def manager(client):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="manager"))
    client.force_login(user)
    return user


def _paid(client, **kwargs):
    order = place_order(**kwargs)
    payment = start_payment(order)
    assert post_sandbox_webhook(client, sandbox_body(payment)).status_code == 200
    return order


def test_managers_find_invoices_by_number_and_customer_and_cannot_change_them(client, manager):
    first = _paid(client, user=UserFactory(email="ada@example.com"))
    _paid(client, user=UserFactory(email="bob@example.com"))
    invoice = Invoice.objects.get(order=first)

    by_number = client.get("/admin/orders/invoice/", {"q": invoice.number}).content.decode()
    by_email = client.get("/admin/orders/invoice/", {"q": "ada@example"}).content.decode()

    assert f"INV-{YEAR}-000001" in by_number and f"INV-{YEAR}-000002" not in by_number
    assert f"INV-{YEAR}-000001" in by_email and f"INV-{YEAR}-000002" not in by_email
    page = client.get(f"/admin/orders/invoice/{invoice.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_save"' not in html and first.number in html
    assert client.post(f"/admin/orders/invoice/{invoice.pk}/change/", {}).status_code == 403
    assert client.get(f"/admin/orders/invoice/{invoice.pk}/delete/").status_code == 403
    assert client.get("/admin/orders/invoice/add/").status_code == 403


def test_credit_notes_are_listed_and_found_by_invoice_number(client, manager):
    order = _paid(client)
    order_cancel(order=order, by=order.user)

    html = client.get("/admin/orders/creditnote/", {"q": f"INV-{YEAR}-000001"}).content.decode()

    assert f"CN-{YEAR}-000001" in html
    assert client.get("/admin/orders/creditnote/add/").status_code == 403


def test_customers_and_staff_without_the_permission_get_no_invoices_in_admin(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/admin/orders/invoice/").status_code == 403
    assert client.get("/admin/orders/invoice/accounts/").status_code == 403


def _csv(client, **period):
    reply = client.get("/admin/orders/invoice/accounts/", period)
    assert reply.status_code == 200
    assert reply["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(reply.content.decode())))


def test_the_period_csv_lists_invoices_and_negative_credit_notes_and_adds_up(client, manager):
    wine = ProductFactory(price=D("8.99"), tax_rate=D("0.2"))
    bread = ProductFactory(price=D("2.35"), tax_rate=D("0"))
    kept = _paid(client, products=[wine, bread], quantity=2)
    cancelled = _paid(client, products=[wine])
    _paid(client, user=UserFactory(name='=HYPERLINK("http://evil")'), products=[bread])
    order_cancel(order=cancelled, by=cancelled.user)
    today = timezone.localdate()

    header, *rows, total = _csv(client, start=today.isoformat(), end=today.isoformat())

    assert header == [
        "number", "type", "date", "customer", "invoice",
        "net 0%", "tax 0%", "net 20%", "tax 20%",
        "net", "tax", "gross", "currency",
    ]  # fmt: skip
    assert [row[0] for row in rows] == [
        f"INV-{YEAR}-000001",
        f"INV-{YEAR}-000002",
        f"INV-{YEAR}-000003",
        f"CN-{YEAR}-000001",
    ]
    credit = rows[3]
    assert credit[1] == "credit note" and credit[4] == f"INV-{YEAR}-000002"
    assert D(credit[11]) == -cancelled.total
    assert rows[2][3].startswith("'=HYPERLINK")
    for row in rows:
        figures = [D(cell) for cell in row[5:12]]
        assert figures[0] + figures[2] == figures[4]  # net per rate adds up to net
        assert figures[1] + figures[3] == figures[5]  # tax per rate adds up to tax
        assert figures[4] + figures[5] == figures[6]  # net + tax = gross
    sums = [sum(D(row[i]) for row in rows) for i in range(5, 12)]
    assert [D(cell) for cell in total[5:12]] == sums
    assert total[0] == "TOTAL"
    invoiced = sum(invoice.gross for invoice in Invoice.objects.all())
    credited = sum(note.gross for note in CreditNote.objects.all())
    assert sums[6] == invoiced - credited
    kept_row = rows[0]
    kept_invoice = Invoice.objects.get(order=kept)
    assert D(kept_row[11]) == kept.total == kept_invoice.gross


def test_the_period_csv_leaves_out_other_days_and_asks_for_a_period_first(client, manager):
    _paid(client)
    yesterday = timezone.localdate() - timedelta(days=1)

    _, total = _csv(client, start=yesterday.isoformat(), end=yesterday.isoformat())
    assert total[:2] == ["TOTAL", "0 documents"]
    form = client.get("/admin/orders/invoice/accounts/").content.decode()
    last_month_ends = timezone.localdate().replace(day=1) - timedelta(days=1)
    assert f'name="start" value="{last_month_ends.replace(day=1).isoformat()}"' in form
    assert f'name="end" value="{last_month_ends.isoformat()}"' in form
    assert "Download CSV" in form
    refused = client.get(
        "/admin/orders/invoice/accounts/", {"start": "2026-02-01", "end": "2026-01-01"}
    ).content.decode()
    assert "The period ends before it starts." in refused
