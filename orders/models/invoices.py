"""VAT invoices and credit notes: copies of what was sold, numbered without a gap.

orders.services.invoices is the only writer. An issued document never changes: it copies
everything it shows (seller, buyer, lines, totals) when it is issued, and saving it again,
updating or deleting it through the ORM raises. Numbers come from one DocumentCounter row
per series and year, locked until the issuing transaction commits (a PostgreSQL sequence
would leave a gap for every rollback).
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q

from orders.models.orders import Order, OrderLine
from orders.models.payments import Payment, Refund


class DocumentCounter(models.Model):
    """The last number given in a series (INV, CN) in a calendar year (shop time)."""

    class Series(models.TextChoices):
        INVOICE = "INV", "Invoices"
        CREDIT_NOTE = "CN", "Credit notes"

    series = models.CharField(max_length=3, choices=Series.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="document_counter_once")
        ]

    def __str__(self):
        return f"{self.series}-{self.year}: {self.last}"


class IssuedQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImproperlyConfigured(f"An issued {self.model._meta.verbose_name} never changes.")

    def delete(self):
        raise ImproperlyConfigured(f"An issued {self.model._meta.verbose_name} is never deleted.")


class Issued(models.Model):
    """Written once, by the service that issues it; never saved again, updated or deleted."""

    objects = IssuedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImproperlyConfigured(f"An issued {self._meta.verbose_name} never changes.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImproperlyConfigured(f"An issued {self._meta.verbose_name} is never deleted.")


class Invoice(Issued):
    """The VAT invoice of a paid order, issued in the transaction that applied its payment."""

    number = models.CharField(max_length=20, unique=True)
    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="invoice")
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="invoice")
    issued_at = models.DateTimeField()
    supply_date = models.DateField(help_text="The day of the order's slot.")
    seller_name = models.CharField(max_length=200)
    seller_address = models.TextField()
    seller_vat_number = models.CharField("seller VAT number", max_length=40, blank=True)
    buyer_name = models.CharField(max_length=150, blank=True)
    buyer_email = models.EmailField(blank=True)
    buyer_address = models.TextField(blank=True)
    currency = models.CharField(max_length=3)
    prices_include_tax = models.BooleanField()
    discount = models.DecimalField(
        max_digits=10, decimal_places=2, help_text="The coupon, already taken off the lines."
    )
    net = models.DecimalField(max_digits=10, decimal_places=2)
    tax = models.DecimalField(max_digits=10, decimal_places=2)
    gross = models.DecimalField(
        max_digits=10, decimal_places=2, help_text="What the customer paid: the order's total."
    )

    class Meta:
        ordering = ["-issued_at", "-pk"]
        indexes = [models.Index(fields=["issued_at"], name="invoice_issued_at")]

    def __str__(self):
        return self.number


class InvoiceLine(Issued):
    """A line of the invoice: a product bought, or the delivery fee (no order line)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        OrderLine, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    description = models.CharField(max_length=200)
    sku = models.CharField("SKU", max_length=32, blank=True)
    quantity = models.PositiveSmallIntegerField()
    unit_price = models.DecimalField(
        max_digits=10, decimal_places=2, help_text="As entered: with tax in it when prices did."
    )
    discount = models.DecimalField(max_digits=10, decimal_places=2)
    net = models.DecimalField(max_digits=10, decimal_places=2)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=4)
    tax = models.DecimalField(max_digits=10, decimal_places=2)
    gross = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.quantity} x {self.description}"


class CreditNote(Issued):
    """What a refund gives back, naming the invoice it corrects. Amounts are positive here
    and negative in the accountant's CSV."""

    number = models.CharField(max_length=20, unique=True)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    refund = models.OneToOneField(Refund, on_delete=models.PROTECT, related_name="credit_note")
    issued_at = models.DateTimeField()
    reason = models.CharField(max_length=200)
    net = models.DecimalField(max_digits=10, decimal_places=2)
    tax = models.DecimalField(max_digits=10, decimal_places=2)
    gross = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        indexes = [models.Index(fields=["issued_at"], name="credit_note_issued_at")]
        constraints = [
            models.CheckConstraint(condition=Q(gross__gt=0), name="credit_note_gross_positive")
        ]

    def __str__(self):
        return self.number


class CreditNoteLine(Issued):
    """The part of an invoice line credited; quantity is empty when only part of it is."""

    credit_note = models.ForeignKey(CreditNote, on_delete=models.CASCADE, related_name="lines")
    invoice_line = models.ForeignKey(InvoiceLine, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=200)
    quantity = models.PositiveSmallIntegerField(null=True, blank=True)
    net = models.DecimalField(max_digits=10, decimal_places=2)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=4)
    tax = models.DecimalField(max_digits=10, decimal_places=2)
    gross = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.description}: {self.gross}"
