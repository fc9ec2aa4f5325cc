"""VAT invoices and credit notes: issue them, number them without a gap, render and list them.

Numbers: INV-YYYY-NNNNNN and CN-YYYY-NNNNNN, each from its own DocumentCounter row for the
calendar year (shop time). The row is locked (locks.lock_document_counter), last in the lock order
(docs/decisions/0001-lock-order.md), and held until the issuing transaction commits: a
payment applied at the same moment waits for the number before it, and a transaction that
rolls back gives its number back with everything else. No PostgreSQL sequence: a sequence
never gives a number back, so every rollback would leave a gap.

An invoice is issued in the transaction that applies the order's payment
(orders.services.payments), a credit note in the one that records a refund of that payment.
Both copy everything they show; the PDF is rendered from the stored copy, so rendering it
again (an email retried) gives the same invoice.
"""

import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Address, User
from config.csv import csv_writer
from orders.export import ExportInvoiceSerializer
from orders.models import (
    CreditNote,
    CreditNoteLine,
    DocumentCounter,
    Invoice,
    InvoiceLine,
    Order,
    OrderLine,
    Payment,
    Refund,
)
from orders.pricing import ZERO, allocate, money, tax_name, tax_split, tax_totals
from orders.selectors.invoices import (
    credit_notes_issued_between,
    invoices_issued_between,
    invoices_of_user,
)
from orders.services.locks import lock_document_counter as document_counter_lock

Series = DocumentCounter.Series
DELIVERY_LINE = "Delivery"


def line_description(line: OrderLine) -> str:
    """What the invoice calls a line: the product, with its options as bought."""
    options = line.options_label
    return f"{line.product_name} ({options})"[:200] if options else line.product_name


def document_number_next(*, counter: DocumentCounter) -> str:
    """Take the locked counter's next number, e.g. INV-2026-000042."""
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{counter.series}-{counter.year}-{counter.last:06d}"


# --- Invoices --------------------------------------------------------------------------


def _buyer_address(order: Order) -> str:
    """The delivery address copied onto the order; for pickup, the customer's first saved
    address, if any."""
    if order.delivery_address or order.user_id is None:  # a guest has no address book
        return order.delivery_address
    address = Address.objects.filter(user_id=order.user_id).order_by("created_at", "pk").first()
    return address.as_text() if address else ""


def _delivery_rate(order: Order) -> Decimal:
    """The delivery fee's tax rate: DELIVERY_TAX_RATE when it gives the tax stored on the
    order (the rate may have changed since), else the rate the stored figures show."""
    if not order.delivery_tax:
        return Decimal("0.0000")
    rate = settings.DELIVERY_TAX_RATE
    _, tax, _ = tax_split(order.delivery_fee, rate, prices_include_tax=order.prices_include_tax)
    if tax == order.delivery_tax:
        return rate.quantize(Decimal("0.0001"))
    net = (
        order.delivery_fee - order.delivery_tax if order.prices_include_tax else order.delivery_fee
    )
    return (order.delivery_tax / net).quantize(Decimal("0.0001"))


def invoice_lines_draft(*, order: Order, lines: Iterable) -> list[InvoiceLine]:
    """The invoice's lines (unsaved): each order line as priced at checkout, then the
    delivery fee with its tax. Their sums are the order's tax and total, to the penny."""
    drafted = [
        InvoiceLine(
            order_line=line if line.pk else None,
            description=line_description(line),
            sku=line.sku,
            quantity=line.quantity,
            unit_price=line.unit_price,
            discount=line.discount,
            net=line.net,
            tax_rate=line.tax_rate,
            tax=line.tax,
            gross=line.gross,
        )
        for line in lines
    ]
    if order.delivery_fee or order.delivery_tax:
        fee, tax = order.delivery_fee, order.delivery_tax
        net, gross = (fee - tax, fee) if order.prices_include_tax else (fee, fee + tax)
        drafted.append(
            InvoiceLine(
                description=DELIVERY_LINE,
                quantity=1,
                unit_price=fee,
                discount=ZERO,
                net=net,
                tax_rate=_delivery_rate(order),
                tax=tax,
                gross=gross,
            )
        )
    return drafted


def invoice_issue(*, order: Order, payment: Payment, now: datetime | None = None) -> Invoice:
    """Issue the invoice of the order its payment has just paid (the order and the payment
    are locked by the caller); once: an order that has one keeps it."""
    existing = Invoice.objects.filter(order=order).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    lines = invoice_lines_draft(order=order, lines=order.lines.order_by("pk"))
    invoice = Invoice(
        order=order,
        payment=payment,
        issued_at=now,
        supply_date=timezone.localdate(order.slot.starts_at),
        seller_name=settings.SHOP_LEGAL_NAME,
        seller_address=settings.SHOP_ADDRESS,
        seller_vat_number=settings.SHOP_VAT_NUMBER,
        buyer_name=order.contact_name,
        buyer_email=order.contact_email,
        buyer_address=_buyer_address(order),
        currency=order.currency,
        prices_include_tax=order.prices_include_tax,
        discount=order.discount,
        net=sum((line.net for line in lines), ZERO),
        tax=sum((line.tax for line in lines), ZERO),
        gross=sum((line.gross for line in lines), ZERO),
    )
    # Last, so the counter's lock is held for as short a time as the transaction allows.
    counter = document_counter_lock(series=Series.INVOICE, day=timezone.localdate(now))
    invoice.number = document_number_next(counter=counter)
    invoice.save()
    for line in lines:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(lines)
    return invoice


# --- Credit notes -----------------------------------------------------------------------


def _credited_so_far(invoice: Invoice) -> dict[int, tuple[Decimal, Decimal, Decimal]]:
    """Per invoice line: (net, tax, gross) credited by earlier credit notes."""
    credited: dict[int, tuple[Decimal, Decimal, Decimal]] = defaultdict(lambda: (ZERO,) * 3)
    for line in CreditNoteLine.objects.filter(credit_note__invoice=invoice):
        net, tax, gross = credited[line.invoice_line_id]
        credited[line.invoice_line_id] = (net + line.net, tax + line.tax, gross + line.gross)
    return credited


@dataclass(frozen=True)
class _Left:
    line: InvoiceLine
    net: Decimal
    tax: Decimal
    gross: Decimal
    untouched: bool


def _chosen_lines(*, refund: Refund, left: list[_Left], amount: Decimal) -> list | None:
    """(share, quantity) per invoice line from the order lines the refund names, or None
    when it names none or its lines do not make up `amount` (a refund split over payments)."""
    chosen: dict[int, tuple[Decimal, int]] = {}
    for item in refund.lines:
        share, quantity = chosen.get(item["line"], (ZERO, 0))
        chosen[item["line"]] = (share + Decimal(item["amount"]), quantity + item["quantity"])
    by_order_line = {item.line.order_line_id: item for item in left if item.line.order_line_id}
    if not chosen or not chosen.keys() <= by_order_line.keys():
        return None
    shares = [chosen.get(item.line.order_line_id, (ZERO, None)) for item in left]
    if sum((share for share, _ in shares), ZERO) != amount:
        return None
    if any(share > item.gross for (share, _), item in zip(shares, left, strict=True)):
        return None
    return shares


def credit_note_issue(*, refund: Refund, now: datetime | None = None) -> CreditNote | None:
    """Issue the credit note of a refund just recorded (in its transaction), naming the
    invoice of the payment refunded. None for a refund of money that never paid the order
    (late, twice, or of the wrong amount: that payment has no invoice) or when nothing is
    left to credit.

    What is left of each invoice line is credited: all of it when the refund is all that is
    left (a whole order refunded); the lines the refund names, with their amounts and
    quantities, when it names them; otherwise the refund spread over the lines in
    proportion to what is left of them, in cents that add up. A share of a line carries the
    line's tax in proportion (rounded half-up); the last share of a line carries what is
    left of its tax, so the credit notes of an invoice never credit more tax than it had.
    """
    if not refund.of_sale:
        return None
    invoice = Invoice.objects.filter(payment_id=refund.payment_id).first()
    if invoice is None:
        return None
    now = now or timezone.now()
    # The counter's lock first: it serialises credit notes, so what is left to credit is
    # read after every earlier credit note committed.
    counter = document_counter_lock(series=Series.CREDIT_NOTE, day=timezone.localdate(now))
    credited = _credited_so_far(invoice)
    left = []
    for line in invoice.lines.order_by("pk"):
        net, tax, gross = credited[line.pk]
        left.append(
            _Left(line, line.net - net, line.tax - tax, line.gross - gross, untouched=not gross)
        )
    remaining = sum((item.gross for item in left), ZERO)
    amount = min(money(refund.amount), remaining)
    if amount <= 0:
        return None
    if amount == remaining:
        shares = [(item.gross, item.line.quantity if item.untouched else None) for item in left]
    else:
        shares = _chosen_lines(refund=refund, left=left, amount=amount) or [
            (share, None) for share in allocate(amount, [item.gross for item in left])
        ]
    drafts = []
    for item, (share, quantity) in zip(left, shares, strict=True):
        if not share:
            continue
        if share == item.gross:
            tax = item.tax
        else:
            tax = money(share * item.tax / item.gross) if item.gross else ZERO
        drafts.append(
            CreditNoteLine(
                invoice_line=item.line,
                description=item.line.description,
                quantity=quantity,
                net=share - tax,
                tax_rate=item.line.tax_rate,
                tax=tax,
                gross=share,
            )
        )
    note = CreditNote.objects.create(
        number=document_number_next(counter=counter),
        invoice=invoice,
        refund=refund,
        issued_at=now,
        reason=refund.reason[:200],
        net=sum((d.net for d in drafts), ZERO),
        tax=sum((d.tax for d in drafts), ZERO),
        gross=sum((d.gross for d in drafts), ZERO),
    )
    for draft in drafts:
        draft.credit_note = note
    CreditNoteLine.objects.bulk_create(drafts)
    return note


# --- Reading: tax totals, the PDF, the accountant's CSV, the data export ------------------


def invoice_pdf(*, invoice: Invoice) -> bytes:
    """The invoice as a PDF, rendered by WeasyPrint from templates/orders/invoice.html (and
    its stylesheet, invoice.css).

    Pass an invoice from orders.selectors.invoices (its lines and credit notes prefetched).
    Only what the invoice copied is shown, so the same invoice always gives the same pages.
    """
    # WeasyPrint loads Pango when imported: only the code that renders a PDF pays for it.
    from weasyprint import CSS, HTML

    lines = list(invoice.lines.all())
    html = render_to_string(
        "orders/invoice.html",
        {
            "invoice": invoice,
            "lines": lines,
            "tax_totals": tax_totals(lines=lines),
            "credit_notes": list(invoice.credit_notes.all()),
            "tax_name": tax_name(),
            "shop_name": settings.SHOP_NAME,
        },
    )
    stylesheet = CSS(string=render_to_string("orders/invoice.css"))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=[stylesheet])


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def _period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """From the start of `start` to the end of `end`, in shop time."""
    first = timezone.make_aware(datetime.combine(start, time.min))
    after = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    return first, after


def documents_csv(*, start: date, end: date) -> str:
    """The accountant's CSV of the invoices and credit notes issued from `start` to `end`
    (shop days, both included): number, date, customer, net and tax per rate, net, tax,
    gross; credit notes negative; a TOTAL row last, the sum of the rows above it."""
    first, after = _period_bounds(start, end)
    rows = []
    for invoice in invoices_issued_between(start=first, end=after):
        rows.append((invoice, "invoice", invoice, invoice.lines.all(), 1))
    for note in credit_notes_issued_between(start=first, end=after):
        rows.append((note, "credit note", note.invoice, note.lines.all(), -1))
    rows.sort(key=lambda row: (row[0].issued_at, row[0].number))
    rates = sorted({line.tax_rate for *_, lines, _ in rows for line in lines})

    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(
        ["number", "type", "date", "customer", "invoice"]
        + [f"{label} {_percent(rate)}" for rate in rates for label in ("net", "tax")]
        + ["net", "tax", "gross", "currency"]
    )
    totals = defaultdict(lambda: ZERO)
    for document, kind, invoice, lines, sign in rows:
        per_rate = {total.rate: total for total in tax_totals(lines=lines)}
        figures = []
        for rate in rates:
            total = per_rate.get(rate)
            figures += [sign * total.net, sign * total.tax] if total else [ZERO, ZERO]
        figures += [sign * document.net, sign * document.tax, sign * document.gross]
        for i, figure in enumerate(figures):
            totals[i] += figure
        customer = " ".join(part for part in (invoice.buyer_name, invoice.buyer_email) if part)
        writer.writerow(
            [
                document.number,
                kind,
                timezone.localdate(document.issued_at).isoformat(),
                customer,
                invoice.number,
                *figures,
                invoice.currency,
            ]
        )
    writer.writerow(
        ["TOTAL", f"{len(rows)} documents", "", "", ""]
        + [totals[i] for i in range(len(rates) * 2 + 3)]
        + [settings.SHOP_CURRENCY]
    )
    return out.getvalue()


def invoices_export(*, user: User) -> list[dict]:
    """The user's invoices and their credit notes, for the personal-data export."""
    return ExportInvoiceSerializer(invoices_of_user(user=user), many=True).data
