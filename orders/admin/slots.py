"""Admin for fulfilment slots: places taken are read-only, capacity is checked against them."""

from django import forms
from django.contrib import admin, messages

from orders.admin.common import ServiceSaveAdmin
from orders.models import Order, Slot
from orders.services.slots import slot_capacity_refusal, slot_save, slots_create_week


class SlotAdminForm(forms.ModelForm):
    class Meta:
        model = Slot
        fields = ["kind", "starts_at", "ends_at", "capacity"]

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if self.instance.pk:
            refusal = slot_capacity_refusal(slot_id=self.instance.pk, capacity=capacity)
            if refusal:
                raise forms.ValidationError(refusal, code="capacity_below_bookings")
        return capacity

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", "A slot must end after it starts.")
        return cleaned


class SlotOrderInline(admin.TabularInline):
    model = Order
    extra = 0
    can_delete = False
    fields = ["number", "status", "contact_name", "total"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Slot)
class SlotAdmin(ServiceSaveAdmin):
    service = staticmethod(slot_save)
    form = SlotAdminForm
    list_display = [
        "__str__",
        "kind",
        "starts_at",
        "ends_at",
        "capacity",
        "reserved",
        "remaining",
        "is_open",
    ]
    list_filter = ["kind", "is_open", ("starts_at", admin.DateFieldListFilter)]
    search_fields = ["orders__number"]
    search_help_text = "Find the slot of an order by its number."
    date_hierarchy = "starts_at"
    readonly_fields = ["reserved", "is_open"]
    inlines = [SlotOrderInline]
    actions = ["create_next_week"]

    @admin.display(description="remaining")
    def remaining(self, slot: Slot) -> int:
        return slot.remaining

    @admin.action(description="Create next week's slots like these", permissions=["add"])
    def create_next_week(self, request, queryset):
        created = slots_create_week(slots=list(queryset))
        skipped = queryset.count() - len(created)
        note = f" ({skipped} already existed)" if skipped else ""
        self.message_user(request, f"Created {len(created)} slot(s){note}.", messages.SUCCESS)
