"""Admin for fulfilment slots, with an action creating next week's slots from chosen ones."""

from django.contrib import admin, messages

from orders.models import Slot
from orders.services.slots import slots_create_week


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "starts_at", "ends_at", "capacity", "reserved", "remaining"]
    list_filter = ["kind", ("starts_at", admin.DateFieldListFilter)]
    date_hierarchy = "starts_at"
    readonly_fields = ["reserved"]
    actions = ["create_next_week"]

    @admin.display(description="remaining")
    def remaining(self, slot: Slot) -> int:
        return slot.remaining

    @admin.action(description="Create next week's slots like these")
    def create_next_week(self, request, queryset):
        created = slots_create_week(slots=list(queryset))
        skipped = queryset.count() - len(created)
        note = f" ({skipped} already existed)" if skipped else ""
        self.message_user(request, f"Created {len(created)} slot(s){note}.", messages.SUCCESS)
