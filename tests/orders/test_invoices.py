"""VAT invoices and credit notes: issued with the payment and the refund, never changed,
read by their customer and staff only, as JSON, PDF, email attachment and data export."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from notifications.models import Delivery
from notifications.services import delivery_send
from orders.models import CreditNote, Invoice, Order, Payment, Refund
from orders.services.invoices import credit_note_issue, invoice_issue
from orders.services.refunds import order_refund
from orders.services.transitions import order_cancel
from tests.factories import (
    CouponFactory,
    ProductFactory,
    SlotFactory,
    UserFactory,
    fulfilment_staff,
    place_order,
)
from tests.payment_helpers import post_sandbox_webhook, sandbox_body, start_payment

pytestmark = pytest.mark.django_db

D = Decimal
YEAR = timezone.localdate().year


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what is queued after commit (emails, refunds), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def basket():
    return [
        ProductFactory(name="Sourdough loaf", price=D("3.95"), tax_rate=D("0")),
        ProductFactory(name="Elderflower pressé", price=D("4.25"), tax_rate=D("0.2")),
    ]


def _pay(client, order) -> Payment:
    payment = start_payment(order)
    assert post_sandbox_webhook(client, sandbox_body(payment)).status_code == 200
    return payment


def _paid(client, **kwargs) -> Order:
    order = place_order(**kwargs)
    _pay(client, order)
    return Order.objects.get(pk=order.pk)


def _manager():
    manager = UserFactory(is_staff=True)
    manager.groups.add(Group.objects.get(name="manager"))
    return type(manager).objects.get(pk=manager.pk)


# --- Issuing ------------------------------------------------------------------------------


def test_paying_an_order_issues_its_invoice_copying_seller_buyer_lines_and_totals(
    client, settings, basket
):
    settings.SHOP_LEGAL_NAME = "Crumb & Co Ltd"
    settings.SHOP_ADDRESS = "4 Mill Lane\nBath BA1 1AA"
    settings.SHOP_VAT_NUMBER = "GB123456789"
    slot = SlotFactory(kind="delivery")
    order = _paid(client, products=basket, quantity=2, slot=slot)

    invoice = Invoice.objects.get(order=order)
    assert invoice.number == f"INV-{YEAR}-000001"
    assert (invoice.seller_name, invoice.seller_vat_number) == ("Crumb & Co Ltd", "GB123456789")
    assert invoice.seller_address == "4 Mill Lane\nBath BA1 1AA"
    assert invoice.buyer_name == order.contact_name
    assert invoice.buyer_address == order.delivery_address != ""
    assert invoice.supply_date == timezone.localdate(slot.starts_at)
    lines = list(invoice.lines.values_list("description", "quantity", "net", "tax", "gross"))
    # 2 x 4.25 = 8.50 incl. VAT: 8.50 x 0.2 / 1.2 = 1.4167 -> 1.42
    assert lines == [
        ("Sourdough loaf", 2, D("7.90"), D("0.00"), D("7.90")),
        ("Elderflower pressé", 2, D("7.08"), D("1.42"), D("8.50")),
        ("Delivery", 1, D("4.50"), D("0.00"), D("4.50")),
    ]
    assert (invoice.net, invoice.tax, invoice.gross) == (D("19.48"), D("1.42"), order.total)
    assert invoice.gross == D("20.90")


def test_the_invoice_of_a_tax_exclusive_shop_with_a_coupon_adds_up_to_the_order(
    client, settings, basket
):
    settings.PRICES_INCLUDE_TAX = False
    settings.DELIVERY_TAX_RATE = D("0.2")
    coupon = CouponFactory(kind="fixed", value=D("1.00"))
    order = _paid(
        client,
        products=basket,
        quantity=3,
        slot=SlotFactory(kind="delivery"),
        coupon_code=coupon.code,
    )

    invoice = Invoice.objects.get(order=order)
    assert (invoice.tax, invoice.gross, invoice.discount) == (order.tax, order.total, D("1.00"))
    delivery = invoice.lines.get(description="Delivery")
    assert (delivery.net, delivery.tax_rate, delivery.tax, delivery.gross) == (
        D("4.50"),
        D("0.2000"),
        D("0.90"),
        D("5.40"),
    )


def test_a_duplicate_or_mismatched_payment_issues_no_second_invoice_and_uses_no_number(client):
    order = place_order()
    payment = start_payment(order)
    body = sandbox_body(payment, event_id="evt_twice")
    post_sandbox_webhook(client, body)
    post_sandbox_webhook(client, body)
    other = place_order()
    post_sandbox_webhook(client, sandbox_body(start_payment(other), amount=D("0.01")))
    third = _paid(client)

    assert list(Invoice.objects.order_by("number").values_list("order", "number")) == [
        (order.pk, f"INV-{YEAR}-000001"),
        (third.pk, f"INV-{YEAR}-000002"),
    ]


def test_an_issued_invoice_never_changes(client):
    order = _paid(client)
    invoice = Invoice.objects.get(order=order)
    invoice.buyer_name = "Someone else"

    with pytest.raises(ImproperlyConfigured):
        invoice.save()
    with pytest.raises(ImproperlyConfigured):
        Invoice.objects.filter(pk=invoice.pk).update(gross=D("0.01"))
    with pytest.raises(ImproperlyConfigured):
        invoice.lines.update(gross=D("0.01"))
    with pytest.raises(ImproperlyConfigured):
        invoice.delete()
    with pytest.raises(ImproperlyConfigured):
        Invoice.objects.all().delete()
    invoice.refresh_from_db()
    assert invoice.buyer_name == order.contact_name


def test_numbers_start_again_each_year(client):
    order = _paid(client)
    next_year = timezone.now() + timedelta(days=366)
    again = place_order()
    payment = start_payment(again)

    invoice = invoice_issue(order=again, payment=payment, now=next_year)

    assert Invoice.objects.get(order=order).number == f"INV-{YEAR}-000001"
    assert invoice.number == f"INV-{next_year.year}-000001"


# --- Credit notes ---------------------------------------------------------------------------


def test_cancelling_a_paid_order_issues_a_credit_note_for_everything_naming_the_invoice(
    client, basket
):
    order = _paid(client, products=basket, quantity=2, slot=SlotFactory(kind="delivery"))
    order_cancel(order=order, by=fulfilment_staff())

    note = CreditNote.objects.get()
    invoice = Invoice.objects.get(order=order)
    assert note.number == f"CN-{YEAR}-000001"
    assert note.invoice == invoice
    assert note.refund == Refund.objects.get(payment__order=order)
    assert (note.net, note.tax, note.gross) == (invoice.net, invoice.tax, invoice.gross)
    assert list(note.lines.values_list("description", "quantity", "gross")) == list(
        invoice.lines.values_list("description", "quantity", "gross")
    )


def test_a_payment_that_came_too_late_is_refunded_without_a_credit_note(client):
    order = place_order()
    payment = start_payment(order)
    order_cancel(order=order, by=order.user)

    post_sandbox_webhook(client, sandbox_body(payment))

    assert Refund.objects.filter(payment=payment).exists()
    assert not Invoice.objects.exists()
    assert not CreditNote.objects.exists()


def test_refunds_of_an_amount_then_of_lines_then_the_rest_credit_the_invoice_exactly(
    client, basket
):
    order = _paid(client, products=basket, quantity=2)  # 7.90 at 0%, 8.50 at 20% (VAT 1.42)
    manager = _manager()
    wine_line = order.lines.get(product_name="Elderflower pressé")

    (amount,) = order_refund(order=order, by=manager, amount=D("5.00"))
    (wine,) = order_refund(order=order, by=manager, lines={wine_line.pk: 1})
    order_cancel(order=Order.objects.get(pk=order.pk), by=manager)

    first, second, last = CreditNote.objects.order_by("number")
    assert [note.number for note in (first, second, last)] == [
        f"CN-{YEAR}-00000{n}" for n in (1, 2, 3)
    ]
    assert (first.refund, second.refund) == (amount, wine)
    # 5.00 over 7.90 and 8.50: 2.4085 and 2.5915, the cent to the larger remainder: 2.41 and
    # 2.59; the wine's share carries the line's tax in proportion: 2.59 x 1.42 / 8.50 = 0.43
    assert list(first.lines.values_list("quantity", "net", "tax", "gross")) == [
        (None, D("2.41"), D("0.00"), D("2.41")),
        (None, D("2.16"), D("0.43"), D("2.59")),
    ]
    # one bottle of two: 4.25, its VAT 4.25 x 1.42 / 8.50 = 0.71
    assert list(second.lines.values_list("description", "quantity", "tax", "gross")) == [
        ("Elderflower pressé", 1, D("0.71"), D("4.25")),
    ]
    invoice = Invoice.objects.get(order=order)
    notes = (first, second, last)
    assert sum(note.gross for note in notes) == invoice.gross == order.total
    assert sum(note.tax for note in notes) == invoice.tax
    assert last.tax == D("0.28")  # 1.42 - 0.43 - 0.71: never more VAT than the invoice had


def test_a_refund_over_what_the_invoice_holds_credits_the_invoice_exactly(client, basket):
    order = _paid(client, products=basket, quantity=2)
    payment = Payment.objects.get(order=order)
    refund = Refund.objects.create(payment=payment, amount=D("99.00"), reason="Oops", key="k1")

    note = credit_note_issue(refund=refund)

    invoice = Invoice.objects.get(order=order)
    assert (note.net, note.tax, note.gross) == (invoice.net, invoice.tax, invoice.gross)


# --- Reading it: API, PDF, page, email, export ---------------------------------------------


def test_the_customer_reads_the_invoice_as_json_with_its_credit_notes(api_client, client, basket):
    order = _paid(client, products=basket)
    order_cancel(order=order, by=order.user)
    api_client.force_authenticate(order.user)

    reply = api_client.get(f"/api/v1/orders/{order.number}/invoice/")

    assert reply.status_code == 200
    data = reply.json()
    assert {"number", "issued_at", "lines", "tax_totals", "net", "tax", "gross"} <= data.keys()
    assert data["number"] == f"INV-{YEAR}-000001"
    assert data["gross"] == str(order.total)
    assert [t["rate"] for t in data["tax_totals"]] == ["0.0000", "0.2000"]
    assert [n["number"] for n in data["credit_notes"]] == [f"CN-{YEAR}-000001"]
    assert data["credit_notes"][0]["gross"] == str(order.total)


def test_the_invoice_is_a_404_before_payment_and_for_another_customer_staff_read_all(
    api_client, client
):
    unpaid = place_order()
    paid = _paid(client)
    api_client.force_authenticate(unpaid.user)
    assert api_client.get(f"/api/v1/orders/{unpaid.number}/invoice/").status_code == 404
    foreign = api_client.get(f"/api/v1/orders/{paid.number}/invoice/?format=pdf")
    assert foreign.status_code == 404
    assert foreign["Content-Type"].startswith("application/json")
    api_client.force_authenticate(fulfilment_staff())
    assert api_client.get(f"/api/v1/orders/{paid.number}/invoice/").status_code == 200
    api_client.force_authenticate(None)
    assert api_client.get(f"/api/v1/orders/{paid.number}/invoice/").status_code in (401, 403)


def test_the_invoice_json_takes_a_fixed_number_of_queries(
    api_client, client, django_assert_num_queries
):
    order = _paid(client, products=[ProductFactory() for _ in range(5)])
    order_cancel(order=order, by=order.user)
    api_client.force_authenticate(order.user)
    api_client.get(f"/api/v1/orders/{order.number}/invoice/")  # warms permission caches

    # the order (+ its lines and events), the invoice (+ lines, credit notes and theirs)
    with django_assert_num_queries(7):
        assert api_client.get(f"/api/v1/orders/{order.number}/invoice/").status_code == 200


def test_the_invoice_pdf_is_a_pdf_naming_its_number(api_client, client):
    order = _paid(client)
    api_client.force_authenticate(order.user)

    reply = api_client.get(f"/api/v1/orders/{order.number}/invoice/?format=pdf")

    assert reply.status_code == 200
    assert reply["Content-Type"] == "application/pdf"
    assert reply["Content-Disposition"] == f'inline; filename="INV-{YEAR}-000001.pdf"'
    assert reply.content.startswith(b"%PDF-")


def test_the_order_page_links_the_invoice_once_paid(client):
    order = place_order()
    client.force_login(order.user)
    assert "Download invoice" not in client.get(order.get_absolute_url()).content.decode()

    _pay(client, order)
    html = client.get(order.get_absolute_url()).content.decode()

    assert (
        f'href="/api/v1/orders/{order.number}/invoice/?format=pdf" download="INV-{YEAR}-000001.pdf"'
        in html
    )
    assert f"Download invoice INV-{YEAR}-000001 (PDF)" in html


def test_the_payment_email_carries_the_invoice_pdf_the_same_when_sent_again(
    client, committed, mailoutbox
):
    order = place_order()
    payment = start_payment(order)
    mailoutbox.clear()
    with committed():
        post_sandbox_webhook(client, sandbox_body(payment))

    (mail,) = mailoutbox
    assert mail.subject.endswith(f"Payment received for order {order.number}")
    ((name, content, mimetype),) = mail.attachments
    assert (name, mimetype) == (f"INV-{YEAR}-000001.pdf", "application/pdf")
    assert content.startswith(b"%PDF-")
    delivery = Delivery.objects.get(to=order.user.email, notification__kind="payment_received")
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.PENDING)
    assert delivery_send(delivery_id=delivery.pk)
    assert mailoutbox[1].attachments[0][0] == f"INV-{YEAR}-000001.pdf"


def test_the_data_export_lists_the_customers_invoices(client):
    order = _paid(client)
    _paid(client)  # someone else's
    client.force_login(order.user)

    data = client.get("/api/v1/me/export/").json()

    assert [invoice["number"] for invoice in data["invoices"]] == [f"INV-{YEAR}-000001"]
    assert data["invoices"][0]["order"] == order.number
