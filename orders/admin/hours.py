"""Admin for opening hours and closures; saving either goes through orders.services.hours."""

from django.contrib import admin, messages

from orders.models import Closure, OpeningHours
from orders.services.hours import (
    ClosureOutcome,
    closure_save,
    closures_delete,
    opening_hours_delete,
    opening_hours_save,
)


def _tell_booked(admin_class, request, outcome: ClosureOutcome, *, why: str) -> None:
    """Name each booked slot that no longer takes orders, with the orders staff must resolve."""
    if not outcome.booked:
        return
    listed = "; ".join(
        f"{slot}: {', '.join(order.number for order in slot.live_orders) or 'no live order'}"
        for slot in outcome.booked
    )
    admin_class.message_user(
        request,
        f"{len(outcome.booked)} booked slot(s) {why} and take no more orders; their orders "
        f"were kept: resolve them with the customers (the board marks them). {listed}.",
        messages.WARNING,
    )


@admin.register(OpeningHours)
class OpeningHoursAdmin(admin.ModelAdmin):
    list_display = ["kind", "weekday", "start", "end", "slot_minutes", "capacity"]
    list_filter = ["kind", "weekday"]
    ordering = ["kind", "weekday", "start"]

    def save_model(self, request, obj, form, change):
        outcome = opening_hours_save(hours=obj)
        self.message_user(
            request,
            f"{outcome.created} new slot(s) created from the opening hours; {outcome.removed} "
            "open slot(s) outside them were closed. Slots that still fit keep their capacity "
            "and bookings: change those on the slots themselves.",
            messages.INFO,
        )
        _tell_booked(self, request, outcome, why="fall outside the opening hours")

    def delete_model(self, request, obj):
        self.delete_queryset(request, [obj])

    def delete_queryset(self, request, queryset):
        outcome = opening_hours_delete(rows=list(queryset))
        self.message_user(
            request, f"{outcome.removed} open slot(s) they gave were closed.", messages.INFO
        )
        _tell_booked(self, request, outcome, why="fall outside the opening hours")


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
        _tell_booked(self, request, outcome, why="fall in this closure")

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
