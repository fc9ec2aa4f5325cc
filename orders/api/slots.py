"""GET /api/v1/slots/: the slots a customer can still book, with their remaining places."""

from datetime import timedelta

import django_filters
from django import forms
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import AllowAny

from orders.api.filters import DayFilter
from orders.models import Slot
from orders.selectors.slots import slot_list_bookable, slots_on_day
from orders.services.slots import slot_bookable_until

# Slots exist SLOT_HORIZON_DAYS ahead; a year either way is room enough, and keeps a date such
# as 9999-12-31 from reaching the date arithmetic.
DATE_RANGE_DAYS = 366


class SlotSerializer(serializers.ModelSerializer):
    remaining = serializers.IntegerField(read_only=True, help_text="Places still free.")
    bookable_until = serializers.SerializerMethodField(
        help_text="When booking this slot closes (SLOT_CUTOFF_MINUTES before it starts)."
    )

    class Meta:
        model = Slot
        fields = ["id", "kind", "starts_at", "ends_at", "capacity", "remaining", "bookable_until"]

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_bookable_until(self, slot: Slot) -> str:
        return serializers.DateTimeField().to_representation(slot_bookable_until(slot=slot))


class SlotFilterForm(forms.Form):
    def clean_date(self):
        day = self.cleaned_data.get("date")
        if day is None:
            if "date" in self.data:
                raise forms.ValidationError("Enter a date as YYYY-MM-DD, or leave date out.")
            return None
        if abs((day - timezone.localdate()).days) > DATE_RANGE_DAYS:
            raise forms.ValidationError(
                f"Enter a date within {DATE_RANGE_DAYS} days of today "
                f"({timezone.localdate() + timedelta(days=1):%Y-%m-%d}, say)."
            )
        return day


class SlotFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Slot.Kind.choices)
    date = DayFilter(method="filter_date", label="Day the slot starts on (YYYY-MM-DD, shop time)")

    class Meta:
        model = Slot
        fields = ["kind", "date"]
        form = SlotFilterForm

    def filter_date(self, queryset, name, value):
        return slots_on_day(queryset, day=value)


class SlotViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Delivery and pickup slots still open for booking, soonest first; full slots show
    remaining 0. Booking closes SLOT_CUTOFF_MINUTES before a slot starts (`bookable_until`)."""

    serializer_class = SlotSerializer
    filterset_class = SlotFilter
    permission_classes = [AllowAny]

    def get_queryset(self):
        return slot_list_bookable()
