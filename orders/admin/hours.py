"""Admin for opening hours and closures; saving either goes through orders.services.hours."""

from django.contrib import admin, messages

from orders.models import Closure, OpeningHours
from orders.services.hours import closure_save, closures_delete, opening_hours_save


@admin.register(OpeningHours)
class OpeningHoursAdmin(admin.ModelAdmin):
    list_display = ["kind", "weekday", "start", "end", "slot_minutes", "capacity"]
    list_filter = ["kind", "weekday"]
    ordering = ["kind", "weekday", "start"]

    def save_model(self, request, obj, form, change):
        created = opening_hours_save(hours=obj)
        self.message_user(
            request,
            f"{created} new slot(s) created from the opening hours. Existing slots keep their "
            "times, capacity and bookings: change those on the slots themselves.",
            messages.INFO,
        )


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["start_date", "end_date", "reason"]
    date_hierarchy = "start_date"
    search_fields = ["reason"]

    def save_model(self, request, obj, form, change):
        outcome = closure_save(closure=obj)
        self.message_user(
            request, f"{outcome.removed} open slot(s) nobody booked were closed.", messages.INFO
        )
        if outcome.booked:
            listed = "; ".join(
                f"{slot} ({slot.reserved} order{'s' if slot.reserved > 1 else ''})"
                for slot in outcome.booked
            )
            self.message_user(
                request,
                f"{len(outcome.booked)} booked slot(s) fall in this closure and were kept, with "
                f"their orders: resolve them with the customers. {listed}.",
                messages.WARNING,
            )

    def delete_model(self, request, obj):
        self._reopen(request, [obj])

    def delete_queryset(self, request, queryset):
        self._reopen(request, list(queryset))

    def _reopen(self, request, closures):
        created = closures_delete(closures=closures)
        self.message_user(
            request,
            f"Reopened: {created} slot(s) created again from the opening hours.",
            messages.INFO,
        )
