"""Admin for orders and coupons. Status changes go through the services, never a form field."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import DecimalField, OuterRef, Subquery, Sum
from django.http import HttpResponseBadRequest, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from config.csv import csv_writer
from config.errors import ApplicationError
from orders import permissions
from orders.admin.common import ServiceSaveAdmin, apply_each
from orders.admin.payments import PaymentInline
from orders.errors import OrderMovedOn, RefundInvalid
from orders.models import Coupon, Order, OrderEvent, OrderLine, Refund
from orders.services.coupons import coupon_max_uses_refusal, coupon_save
from orders.services.order_details import order_details_update
from orders.services.refunds import COUNTING, order_refund, refund_preview
from orders.services.transitions import order_advance, order_cancel
from orders.templatetags.money import money

CENT = Decimal("0.01")
# The status each order showed on the list, posted back with an action (see status_shown).
SHOWN_STATUS = "shown-status-"

CSV_COLUMNS = [
    ("number", "number"),
    ("placed_at", "placed at"),
    ("status", "status"),
    ("kind", "kind"),
    ("slot_starts_at", "slot starts"),
    ("contact_name", "contact name"),
    ("contact_email", "contact email"),
    ("contact_phone", "contact phone"),
    ("subtotal", "subtotal"),
    ("tax", "tax"),
    ("delivery_fee", "delivery fee"),
    ("discount", "discount"),
    ("total", "total"),
    ("refunded_total", "refunded"),
    ("currency", "currency"),
    ("coupon_code", "coupon"),
]


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = ["product_name", "sku", "unit_price", "tax_rate", "quantity", "line_total"]
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


class SlotDayFilter(admin.DateFieldListFilter):
    """The day the order is delivered or collected, rather than "starts at"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "slot day"


class _Echo:
    """A file-like object csv.writer writes one row to, handing it straight back."""

    def write(self, value: str) -> str:
        return value


def _refunded_total():
    """Every refund of the order made or on its way (late and mismatched payments too)."""
    refunds = (
        Refund.objects.filter(payment__order=OuterRef("pk"), status__in=COUNTING)
        .values("payment__order")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Subquery(refunds, output_field=DecimalField(max_digits=10, decimal_places=2))


def _csv_rows(orders):
    writer = csv_writer(_Echo())
    names = [name for name, _label in CSV_COLUMNS]
    yield writer.writerow([label for _name, label in CSV_COLUMNS])
    orders = orders.annotate(refunded_total=_refunded_total())
    for row in orders.values_list(
        *("slot__starts_at" if name == "slot_starts_at" else name for name in names)
    ).iterator(chunk_size=500):
        yield writer.writerow(
            [_csv_value(name, value) for name, value in zip(names, row, strict=True)]
        )


def _csv_value(name: str, value):
    if name == "refunded_total":  # no refund is 0.00; SQLite sums decimals without places
        return Decimal(value or 0).quantize(CENT)
    return value.isoformat() if hasattr(value, "isoformat") else value


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "placed", "customer", "status_shown", "kind", "slot_start", "amount"]
    list_filter = ["status", "kind", ("slot__starts_at", SlotDayFilter), "slot__is_open"]
    search_fields = ["number", "user__email", "guest_email", "contact_email", "contact_name"]
    search_help_text = "Search by order number, customer email or name."
    date_hierarchy = "placed_at"
    list_select_related = ["user", "slot"]
    list_per_page = 50
    inlines = [OrderLineInline, OrderEventInline, PaymentInline]
    actions = ["advance", "cancel", "refund", "refund_part"]
    # Everything but the contact and delivery details: the state and money fields
    # (GUARDED_FIELDS) are written by orders.services alone.
    readonly_fields = [
        "number",
        "user",
        "guest_email",
        "status",
        "kind",
        "slot",
        "coupon",
        "coupon_code",
        "subtotal",
        "tax",
        "delivery_fee",
        "delivery_zone_name",
        "discount",
        "total",
        "delivery_tax",
        "prices_include_tax",
        "currency",
        "placed_at",
        "paid_at",
        "refunded",
        "updated_at",
    ]
    fieldsets = (
        (None, {"fields": ("number", "user", "guest_email", "status", "kind", "slot")}),
        (
            "Delivery and contact",
            {"fields": ("delivery_address", "contact_name", "contact_email", "contact_phone")},
        ),
        (
            "Money",
            {
                "fields": (
                    ("coupon", "coupon_code"),
                    ("subtotal", "tax", "delivery_fee", "delivery_zone_name"),
                    ("discount", "total", "currency"),
                )
            },
        ),
        ("Dates", {"fields": ("placed_at", "paid_at", "updated_at")}),
    )

    class Media:
        css = {"all": ["css/admin.css"]}

    @admin.display(description="status", ordering="status")
    def status_shown(self, order: Order) -> str:
        """The status, and the same in a hidden input the list's form posts with an action:
        Advance moves an order on only from the status the person saw (as the board does)."""
        return format_html(
            '{}<input type="hidden" name="{}{}" value="{}">',
            order.get_status_display(),
            SHOWN_STATUS,
            order.pk,
            order.status,
        )

    @admin.display(description="placed", ordering="placed_at")
    def placed(self, order: Order) -> str:
        return date_format(timezone.localtime(order.placed_at), "DATETIME_FORMAT")

    @admin.display(description="total", ordering="total")
    def amount(self, order: Order) -> str:
        return money(order.total)

    @admin.display(description="customer", ordering="contact_name")
    def customer(self, order: Order) -> str:
        name = order.contact_name or (order.user.email if order.user_id else order.guest_email)
        return f"{name} (guest)" if order.is_guest else name

    @admin.display(description="slot", ordering="slot__starts_at")
    def slot_start(self, order: Order) -> str:
        return date_format(timezone.localtime(order.slot.starts_at), "DATETIME_FORMAT")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        """Only the fields the form edits, through the service: never the whole row, so the
        status, money and payment a webhook writes meanwhile stay as it wrote them."""
        order_details_update(
            order=obj, data={field: form.cleaned_data[field] for field in form.changed_data}
        )

    @admin.action(description="Refund the payment (asks first)", permissions=["refund"])
    def refund(self, request, queryset):
        if request.POST.get("confirmed") != "yes":
            return self._ask_first(
                request,
                queryset,
                action="refund",
                title=_("Refund these orders?"),
                intro=_(
                    "What is left of each order's payment is refunded through its payment "
                    "provider. This cannot be undone. A fully refunded order ends: cancelled "
                    "(its stock, slot place and coupon use go back), or refunded once "
                    "completed. These orders will be refunded:"
                ),
                button=_("Yes, refund"),
                back=_("No, take me back"),
            )

        def move(order):
            order_refund(order=order, by=request.user)

        def done(count: int) -> str:
            return ngettext(
                "Refund started for %(count)s order.", "Refund started for %(count)s orders.", count
            ) % {"count": count}

        apply_each(self, request, queryset, move, done)
        return None

    @admin.action(
        description="Refund part of one order: lines or an amount (asks first)",
        permissions=["refund"],
    )
    def refund_part(self, request, queryset):
        orders = list(queryset[:2])
        if len(orders) != 1:
            self.message_user(
                request, _("Choose exactly one order to refund part of."), messages.WARNING
            )
            return None
        return HttpResponseRedirect(reverse("admin:orders_order_refund", args=[orders[0].pk]))

    def refund_view(self, request, pk: int):
        """Choose lines (quantities) or an amount, see what goes back, confirm."""
        if not self.has_refund_permission(request):
            raise PermissionDenied
        order = get_object_or_404(Order.objects.select_related("slot"), pk=pk)
        lines = list(OrderLine.objects.filter(order=order))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Refund part of order %(number)s") % {"number": order.number},
            "opts": self.opts,
            "order": order,
            "rows": [(line, request.POST.get(f"line-{line.pk}", "")) for line in lines],
            "values": request.POST,
        }
        if request.method == "POST":
            try:
                amount, chosen = self._refund_input(request, lines)
                preview, record = refund_preview(order=order, amount=amount, lines=chosen)
                if request.POST.get("confirmed") == "yes":
                    order_refund(
                        order=order,
                        by=request.user,
                        amount=amount,
                        lines=chosen,
                        reason=request.POST.get("reason", "")[:200],
                    )
                    self.message_user(
                        request,
                        _("Refund of %(amount)s started for %(order)s.")
                        % {"amount": money(preview), "order": order},
                    )
                    return HttpResponseRedirect(
                        reverse("admin:orders_order_change", args=[order.pk])
                    )
                context.update(confirm=True, preview=preview, record=record)
            except ApplicationError as error:
                context["error"] = error
        return TemplateResponse(request, "admin/orders/order/refund.html", context)

    def _refund_input(self, request, lines) -> tuple[Decimal | None, dict[int, int]]:
        chosen = {}
        for line in lines:
            raw = request.POST.get(f"line-{line.pk}", "").strip()
            if raw and raw != "0":
                if not raw.isdigit():
                    raise RefundInvalid(
                        _("%(product)s: enter a whole number.") % {"product": line.product_name},
                        field="lines",
                    )
                chosen[line.pk] = int(raw)
        raw_amount = request.POST.get("amount", "").strip()
        if chosen and raw_amount:
            raise RefundInvalid(_("Choose lines or an amount, not both."), field="amount")
        if not raw_amount:
            if not chosen:
                raise RefundInvalid(
                    _("Choose the lines to refund, or enter an amount."), field="lines"
                )
            return None, chosen
        try:
            amount = Decimal(raw_amount)
        except InvalidOperation as error:
            raise RefundInvalid(_("Enter an amount such as 4.50."), field="amount") from error
        if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
            raise RefundInvalid(_("Enter an amount such as 4.50."), field="amount")
        return amount, chosen

    def _ask_first(self, request, queryset, *, action, title, intro, button, back):
        """The page an irreversible action shows first; its form posts the action again,
        confirmed, for the same selection and filters."""
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "intro": intro,
            "button": button,
            "back": back,
            "action": action,
            "opts": self.opts,
            "orders": queryset,
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "query_string": request.GET.urlencode(),
        }
        return TemplateResponse(request, "admin/orders/order/action_confirmation.html", context)

    def has_refund_permission(self, request):
        return request.user.has_perm(permissions.REFUND)

    def has_fulfil_permission(self, request):
        return request.user.has_perm(permissions.FULFIL)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    @admin.action(description="Advance to the next fulfilment state", permissions=["fulfil"])
    def advance(self, request, queryset):
        def move(order):
            shown = request.POST.get(f"{SHOWN_STATUS}{order.pk}")
            if shown is None:
                raise OrderMovedOn(
                    _("Order %(number)s was not on the list you saw: nothing was changed.")
                    % {"number": order.number}
                )
            order_advance(order=order, from_status=shown, by=request.user, note="From the admin.")

        def done(count: int) -> str:
            return ngettext("Advanced %(count)s order.", "Advanced %(count)s orders.", count) % {
                "count": count
            }

        apply_each(self, request, queryset, move, done)

    @admin.action(
        description="Cancel (asks first; gives stock and slot back)", permissions=["fulfil"]
    )
    def cancel(self, request, queryset):
        if request.POST.get("confirmed") != "yes":
            count = queryset.count()
            return self._ask_first(
                request,
                queryset.select_related("slot"),
                action="cancel",
                title=_("Cancel these orders?"),
                intro=_(
                    "Cancelling gives each order's stock and slot place back and cannot be "
                    "undone. Paid orders are refunded. These orders will be cancelled:"
                ),
                button=ngettext(
                    "Yes, cancel %(count)s order", "Yes, cancel %(count)s orders", count
                )
                % {"count": count},
                back=_("No, keep them"),
            )

        def move(order):
            order_cancel(order=order, by=request.user, note="Cancelled in the admin.")

        def done(count: int) -> str:
            return ngettext("Cancelled %(count)s order.", "Cancelled %(count)s orders.", count) % {
                "count": count
            }

        apply_each(self, request, queryset, move, done)
        return None

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_export_permission": self.has_export_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        return [
            path(
                "export.csv",
                self.admin_site.admin_view(self.export_csv_view),
                name="orders_order_export",
            ),
            path(
                "<int:pk>/refund/",
                self.admin_site.admin_view(self.refund_view),
                name="orders_order_refund",
            ),
            *super().get_urls(),
        ]

    def export_csv_view(self, request):
        """The orders the changelist shows with the same filters, search and date, as CSV."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseBadRequest("These filters are not valid: go back to the order list.")
        orders = changelist.get_queryset(request).order_by("placed_at", "pk")
        response = StreamingHttpResponse(_csv_rows(orders), content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="orders-{stamp}.csv"'
        return response


@admin.register(OrderEvent)
class OrderEventAdmin(admin.ModelAdmin):
    """The audit trail of every status change: written only by the services, never edited."""

    list_display = ["created_at", "order", "from_status", "to_status", "actor", "note"]
    list_filter = ["to_status", "from_status", ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["order", "actor"]
    search_fields = ["order__number", "actor__email", "note"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CouponAdminForm(forms.ModelForm):
    class Meta:
        model = Coupon
        fields = ["code", "kind", "value", "valid_from", "valid_until", "max_uses", "is_active"]

    def clean_max_uses(self):
        max_uses = self.cleaned_data["max_uses"]
        if self.instance.pk:
            refusal = coupon_max_uses_refusal(coupon_id=self.instance.pk, max_uses=max_uses)
            if refusal:
                raise forms.ValidationError(refusal, code="max_uses_below_uses")
        return max_uses

    def clean(self):
        cleaned = super().clean()
        valid_from, valid_until = cleaned.get("valid_from"), cleaned.get("valid_until")
        if valid_from and valid_until and valid_until <= valid_from:
            self.add_error("valid_until", "A coupon must end after it starts.")
        return cleaned


@admin.register(Coupon)
class CouponAdmin(ServiceSaveAdmin):
    service = staticmethod(coupon_save)
    form = CouponAdminForm
    list_display = ["code", "kind", "value", "uses", "max_uses", "valid_from", "valid_until"]
    list_display_links = ["code"]
    list_filter = ["is_active", "kind", ("valid_until", admin.DateFieldListFilter)]
    search_fields = ["code"]
    date_hierarchy = "created_at"
    readonly_fields = ["uses", "created_at"]
