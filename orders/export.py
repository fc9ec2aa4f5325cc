"""The orders' section of a customer's personal-data export, one serializer per level."""

from rest_framework import serializers

from orders.models import Order, OrderEvent, OrderLine


class ExportOrderLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderLine
        fields = ["product_name", "sku", "unit_price", "tax_rate", "quantity", "line_total"]


class ExportOrderEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderEvent
        fields = ["from_status", "to_status", "note", "created_at"]


class ExportOrderSerializer(serializers.ModelSerializer):
    slot_starts_at = serializers.DateTimeField(source="slot.starts_at")
    slot_ends_at = serializers.DateTimeField(source="slot.ends_at")
    lines = ExportOrderLineSerializer(many=True)
    events = ExportOrderEventSerializer(many=True)

    class Meta:
        model = Order
        fields = [
            "number",
            "status",
            "kind",
            "slot_starts_at",
            "slot_ends_at",
            "delivery_address",
            "contact_name",
            "contact_email",
            "contact_phone",
            "coupon_code",
            "subtotal",
            "tax",
            "delivery_fee",
            "discount",
            "total",
            "currency",
            "placed_at",
            "paid_at",
            "lines",
            "events",
        ]
