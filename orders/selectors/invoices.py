"""Reads of invoices and credit notes, each with its lines in a fixed number of queries."""

from datetime import datetime

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from orders.models import CreditNote, Invoice, Order


def _with_lines() -> QuerySet[Invoice]:
    return Invoice.objects.select_related("order").prefetch_related(
        "lines",
        Prefetch(
            "credit_notes",
            queryset=CreditNote.objects.order_by("issued_at", "pk").prefetch_related("lines"),
        ),
    )


def invoice_of_order(*, order: Order) -> Invoice | None:
    """The order's invoice with its lines and credit notes; None before it is paid."""
    return _with_lines().filter(order=order).first()


def invoice_number_of_order(*, order: Order) -> str | None:
    """The number of the order's invoice (one query), for the order page's link."""
    return Invoice.objects.filter(order=order).values_list("number", flat=True).first()


def invoice_of_order_number(*, number: str) -> Invoice | None:
    return _with_lines().filter(order__number=number).first()


def invoices_of_user(*, user: User) -> QuerySet[Invoice]:
    return _with_lines().filter(order__user=user).order_by("issued_at", "pk")


def invoices_issued_between(*, start: datetime, end: datetime) -> QuerySet[Invoice]:
    return (
        Invoice.objects.filter(issued_at__gte=start, issued_at__lt=end)
        .prefetch_related("lines")
        .order_by("issued_at", "pk")
    )


def credit_notes_issued_between(*, start: datetime, end: datetime) -> QuerySet[CreditNote]:
    return (
        CreditNote.objects.filter(issued_at__gte=start, issued_at__lt=end)
        .select_related("invoice")
        .prefetch_related("lines")
        .order_by("issued_at", "pk")
    )
