"""The orders' and invoices' sections of a customer's personal-data export, one serializer
per level (the invoice API shows invoices with the same serializer).

Everything an order holds goes out, but for the internal links to other rows (ids,
the user, the product, the coupon); a field added to these models is exported too.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from orders.models import (
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
    Order,
    OrderEvent,
    OrderLine,
)
from orders.pricing import tax_totals


class ExportOrderLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderLine
        exclude = ["id", "order", "product"]


class ExportOrderEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderEvent
        exclude = ["id", "order", "actor"]


class ExportOrderSerializer(serializers.ModelSerializer):
    slot_starts_at = serializers.DateTimeField(source="slot.starts_at")
    slot_ends_at = serializers.DateTimeField(source="slot.ends_at")
    lines = ExportOrderLineSerializer(many=True)
    events = ExportOrderEventSerializer(many=True)

    class Meta:
        model = Order
        exclude = ["id", "user", "slot", "coupon"]


class CreditNoteLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = CreditNoteLine
        fields = ["description", "quantity", "net", "tax_rate", "tax", "gross"]
        extra_kwargs = {"quantity": {"help_text": "Empty when only part of the line is credited."}}


class CreditNoteSerializer(serializers.ModelSerializer):
    lines = CreditNoteLineSerializer(many=True)

    class Meta:
        model = CreditNote
        fields = ["number", "issued_at", "reason", "lines", "net", "tax", "gross"]


class InvoiceLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = InvoiceLine
        fields = [
            "description",
            "sku",
            "quantity",
            "unit_price",
            "discount",
            "net",
            "tax_rate",
            "tax",
            "gross",
        ]


class TaxTotalSerializer(serializers.Serializer):
    rate = serializers.DecimalField(max_digits=5, decimal_places=4)
    net = serializers.DecimalField(max_digits=10, decimal_places=2)
    tax = serializers.DecimalField(max_digits=10, decimal_places=2)
    gross = serializers.DecimalField(max_digits=10, decimal_places=2)


class ExportInvoiceSerializer(serializers.ModelSerializer):
    """An invoice as the API and the data export show it: what it copied when issued."""

    order = serializers.CharField(source="order.number")
    lines = InvoiceLineSerializer(many=True)
    tax_totals = serializers.SerializerMethodField()
    credit_notes = CreditNoteSerializer(many=True)

    class Meta:
        model = Invoice
        fields = [
            "number",
            "issued_at",
            "supply_date",
            "order",
            "seller_name",
            "seller_address",
            "seller_vat_number",
            "buyer_name",
            "buyer_email",
            "buyer_address",
            "currency",
            "prices_include_tax",
            "lines",
            "tax_totals",
            "discount",
            "net",
            "tax",
            "gross",
            "credit_notes",
        ]

    @extend_schema_field(TaxTotalSerializer(many=True))
    def get_tax_totals(self, invoice: Invoice) -> list[dict]:
        return TaxTotalSerializer(tax_totals(lines=invoice.lines.all()), many=True).data
