"""Admin for payments, their webhook events and refunds: a read-only record for staff.

Money moves only through orders.services.payments; a manager refunds from the order list.
"""

from django.contrib import admin

from orders.models import Payment, PaymentEvent, Refund


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    fields = ["created_at", "provider", "reference", "amount", "currency", "status", "refund_state"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Refunds")
    def refund_state(self, payment: Payment) -> str:
        refunds = payment.refunds.all()
        if not refunds:
            return "—"
        return "; ".join(
            f"{refund.amount}: {refund.get_status_display()} ({refund.attempts} attempt(s))"
            + (f": {refund.last_error}" if refund.last_error else "")
            for refund in refunds
        )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("refunds")


class PaymentEventInline(admin.TabularInline):
    model = PaymentEvent
    extra = 0
    can_delete = False
    fields = ["received_at", "event_id", "type", "outcome"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["order", "provider", "reference", "amount", "currency", "status", "created_at"]
    list_filter = ["status", "provider"]
    search_fields = ["order__number", "reference"]
    date_hierarchy = "created_at"
    list_select_related = ["order"]
    inlines = [PaymentEventInline]


@admin.register(PaymentEvent)
class PaymentEventAdmin(ReadOnlyAdmin):
    list_display = ["event_id", "provider", "type", "outcome", "payment", "received_at"]
    list_filter = ["outcome", "provider", "type"]
    search_fields = ["event_id", "payment__order__number", "payment__reference"]
    date_hierarchy = "received_at"
    list_select_related = ["payment"]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = [
        "payment",
        "amount",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "refunded_at",
    ]
    list_filter = ["status"]
    search_fields = ["payment__order__number", "reference", "key"]
    date_hierarchy = "created_at"
    list_select_related = ["payment"]
