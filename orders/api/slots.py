"""GET /api/v1/slots/: the slots a customer can still book, with their remaining places."""

import django_filters
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import AllowAny

from orders.api.filters import DayFilter
from orders.models import Slot
from orders.selectors.slots import slot_list_upcoming, slots_on_day


class SlotSerializer(serializers.ModelSerializer):
    remaining = serializers.IntegerField(read_only=True, help_text="Places still free.")

    class Meta:
        model = Slot
        fields = ["id", "kind", "starts_at", "ends_at", "capacity", "remaining"]


class SlotFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Slot.Kind.choices)
    date = DayFilter(method="filter_date", label="Day the slot starts on (YYYY-MM-DD, shop time)")

    class Meta:
        model = Slot
        fields = ["kind", "date"]

    def filter_date(self, queryset, name, value):
        return slots_on_day(queryset, day=value)


class SlotViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Future delivery and pickup slots, soonest first; full slots show remaining 0."""

    serializer_class = SlotSerializer
    filterset_class = SlotFilter
    permission_classes = [AllowAny]

    def get_queryset(self):
        return slot_list_upcoming()
