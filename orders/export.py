"""The orders' section of a customer's personal-data export, one serializer per level.

Everything an order holds goes out, but for the internal links to other rows (ids,
the user, the product, the coupon); a field added to these models is exported too.
"""

from rest_framework import serializers

from orders.models import Order, OrderEvent, OrderLine


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
