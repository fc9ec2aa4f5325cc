"""Admin for orders and coupons. Status changes go through the services, never a form field."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse

from config.errors import ApplicationError
from orders import permissions
from orders.admin.payments import PaymentInline
from orders.models import Coupon, Order, OrderEvent, OrderLine
from orders.services.payments import order_refund
from orders.services.transitions import (
    RELEASING,
    SYSTEM_ONLY,
    order_cancel,
    order_next_statuses,
    order_transition,
)


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = [
        "product_name",
        "sku",
        "unit_price",
        "tax_rate",
        "quantity",
        "line_total",
        "discount",
        "net",
        "tax",
        "gross",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


def _next_fulfilment_status(order: Order) -> str | None:
    moves = [s for s in order_next_statuses(order=order) if s not in SYSTEM_ONLY | RELEASING]
    return moves[0] if moves else None


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "user", "status", "kind", "slot", "total", "placed_at"]
    list_filter = ["status", "kind", ("slot__starts_at", admin.DateFieldListFilter)]
    search_fields = ["number", "user__email", "contact_email"]
    date_hierarchy = "placed_at"
    list_select_related = ["user", "slot"]
    inlines = [OrderLineInline, OrderEventInline, PaymentInline]
    actions = ["advance", "cancel", "refund"]
    readonly_fields = [
        "number",
        "user",
        "status",
        "kind",
        "slot",
        "coupon",
        "coupon_code",
        "subtotal",
        "tax",
        "delivery_fee",
        "delivery_tax",
        "discount",
        "total",
        "prices_include_tax",
        "currency",
        "placed_at",
        "paid_at",
        "updated_at",
    ]
    fieldsets = (
        (None, {"fields": ("number", "user", "status", "kind", "slot")}),
        (
            "Delivery and contact",
            {"fields": ("delivery_address", "contact_name", "contact_email", "contact_phone")},
        ),
        (
            "Money",
            {
                "fields": (
                    ("coupon", "coupon_code"),
                    ("subtotal", "discount", "prices_include_tax"),
                    ("delivery_fee", "delivery_tax", "tax"),
                    ("total", "currency"),
                )
            },
        ),
        ("Dates", {"fields": ("placed_at", "paid_at", "updated_at")}),
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _apply(self, request, queryset, move, verb: str):
        done, refused = 0, []
        for order in queryset:
            try:
                if move(order):
                    done += 1
                else:
                    refused.append(f"{order.number}: nothing comes next")
            except ApplicationError as error:
                refused.append(f"{order.number}: {error.message}")
        if done:
            self.message_user(request, f"{verb} {done} order(s).", messages.SUCCESS)
        if refused:
            self.message_user(request, "Not changed: " + "; ".join(refused), messages.WARNING)

    @admin.action(description="Advance to the next fulfilment state", permissions=["fulfil"])
    def advance(self, request, queryset):
        def move(order):
            to = _next_fulfilment_status(order)
            if to is None:
                return False
            order_transition(order=order, to=to, by=request.user, note="From the admin.")
            return True

        self._apply(request, queryset, move, "Advanced")

    @admin.action(description="Cancel (gives stock and slot place back)", permissions=["fulfil"])
    def cancel(self, request, queryset):
        def move(order):
            order_cancel(order=order, by=request.user, note="Cancelled in the admin.")
            return True

        self._apply(request, queryset, move, "Cancelled")

    @admin.action(description="Refund the payment (asks to confirm)", permissions=["refund"])
    def refund(self, request, queryset):
        if request.POST.get("confirmed") != "yes":
            return TemplateResponse(
                request,
                "admin/orders/order/refund_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Refund these orders?",
                    "opts": self.model._meta,
                    "orders": queryset,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )

        def move(order):
            order_refund(order=order, by=request.user)
            return True

        self._apply(request, queryset, move, "Refund started for")

    def has_refund_permission(self, request):
        return request.user.has_perm(permissions.REFUND)

    def has_fulfil_permission(self, request):
        return request.user.has_perm(permissions.FULFIL)


@admin.register(Coupon)
class CouponAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "kind",
        "value",
        "uses",
        "max_uses",
        "valid_from",
        "valid_until",
        "is_active",
    ]
    list_filter = ["is_active", "kind"]
    search_fields = ["code"]
    readonly_fields = ["uses", "created_at"]
