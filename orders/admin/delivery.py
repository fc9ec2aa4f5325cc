"""Admin for the delivery zones: rules edited inline; every save goes through
orders.services.delivery, which refuses a bad rule by name."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from orders.errors import DeliveryRulesInvalid
from orders.models import DeliveryZone, DeliveryZoneRule
from orders.services.delivery import (
    delivery_zone_delete,
    delivery_zone_rule_check,
    delivery_zone_rules_set,
    delivery_zone_save,
)


class DeliveryZoneRuleFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """Each rule is checked by the service against the zone's country: a bad one is
        marked on its row, naming the pattern."""
        super().clean()
        country = str(self.instance.country or "")
        for form in self.forms:
            pattern = form.cleaned_data.get("pattern") if form.cleaned_data else None
            if pattern is None or form.cleaned_data.get("DELETE"):
                continue
            try:
                form.cleaned_data["pattern"] = delivery_zone_rule_check(
                    pattern=pattern, country=country
                )
            except DeliveryRulesInvalid as refused:
                form.add_error("pattern", refused.message)

    def rules(self) -> list[tuple[str, bool]]:
        return [
            (form.cleaned_data["pattern"], form.cleaned_data.get("include", False))
            for form in self.forms
            if form.cleaned_data
            and form.cleaned_data.get("pattern")
            and not form.cleaned_data.get("DELETE")
        ]


class DeliveryZoneRuleInline(admin.TabularInline):
    model = DeliveryZoneRule
    formset = DeliveryZoneRuleFormSet
    fields = ["pattern", "include"]
    extra = 3


@admin.register(DeliveryZone)
class DeliveryZoneAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "country",
        "fee",
        "minimum_order",
        "free_delivery_over",
        "active",
        "rule_list",
    ]
    list_filter = ["active", "country"]
    search_fields = ["name", "rules__pattern"]
    inlines = [DeliveryZoneRuleInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("rules")

    @admin.display(description=_("rules"))
    def rule_list(self, zone: DeliveryZone) -> str:
        return ", ".join(str(rule) for rule in zone.rules.all())

    def save_model(self, request, obj, form, change):
        delivery_zone_save(zone=obj)

    def save_related(self, request, form, formsets, change):
        form.save_m2m()
        for formset in formsets:
            if isinstance(formset, DeliveryZoneRuleFormSet):
                delivery_zone_rules_set(zone=form.instance, rules=formset.rules())

    def construct_change_message(self, request, form, formsets, add=False):
        # The rules are replaced by the service, not saved row by row by the formsets.
        return super().construct_change_message(request, form, [], add)

    def delete_model(self, request, obj):
        delivery_zone_delete(zone=obj)

    def delete_queryset(self, request, queryset):
        for zone in queryset:
            delivery_zone_delete(zone=zone)
