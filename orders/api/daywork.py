"""GET /api/v1/staff/prep/: what the kitchen makes for a day, per product and slot (staff)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from orders import permissions
from orders.api.catalogue import AllergensField
from orders.models import Slot
from orders.selectors.daywork import day_parse, prep_list


class PrepSlotSerializer(serializers.Serializer):
    slot = serializers.IntegerField(source="slot.id", help_text="The slot's id.")
    kind = serializers.ChoiceField(source="slot.kind", choices=Slot.Kind.choices)
    starts_at = serializers.DateTimeField(source="slot.starts_at")
    quantity = serializers.IntegerField(help_text="How many to make for this slot.")


class PrepOptionSerializer(serializers.Serializer):
    group = serializers.CharField()
    choice = serializers.CharField()


class PrepMessageSerializer(serializers.Serializer):
    order = serializers.CharField(help_text="The order's number.")
    quantity = serializers.IntegerField()
    message = serializers.CharField(help_text="The customer's message, as they wrote it.")


class PrepProductSerializer(serializers.Serializer):
    sku = serializers.CharField()
    name = serializers.CharField()
    options = PrepOptionSerializer(
        many=True,
        help_text="The chosen options of this row: a product sold with different options "
        "has a row per set of options.",
    )
    messages = PrepMessageSerializer(many=True, help_text="The lines' messages to write.")
    category = serializers.CharField(help_text='"Other" for a product since deleted.')
    quantity = serializers.IntegerField(help_text="How many to make for the whole day.")
    by_slot = PrepSlotSerializer(
        many=True, help_text="Only the slots that need some, in time order."
    )
    allergens = AllergensField()


class PrepListSerializer(serializers.Serializer):
    date = serializers.DateField(source="day")
    products = PrepProductSerializer(many=True)


class StaffPrepView(APIView):
    @extend_schema(
        summary="The day's prep list",
        description=(
            "Every product to make for the day's orders that are paid or being prepared "
            "(never those waiting for payment, cancelled or expired), per slot and in all, "
            "sorted by category then name. Staff and managers only."
        ),
        parameters=[
            OpenApiParameter(
                "date",
                OpenApiTypes.DATE,
                description="The day, YYYY-MM-DD in shop time; today when left out.",
            )
        ],
        responses={200: PrepListSerializer},
    )
    def get(self, request):
        if not request.user.has_perm(permissions.FULFIL):
            raise PermissionDenied("Only shop staff see the prep list.")
        try:
            day = day_parse(request.query_params.get("date"))
        except ValueError as error:
            raise ValidationError({"date": [str(error)]}) from None
        return Response(PrepListSerializer(prep_list(day=day)).data)
