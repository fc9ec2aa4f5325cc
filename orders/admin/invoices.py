"""Admin for invoices and credit notes: read-only, as issued; and the accountant's CSV.

They are written only by orders.services.invoices, when a payment is applied or a refund
recorded; nobody adds, changes or deletes one here.
"""

from datetime import date, timedelta

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orders.models import CreditNote, CreditNoteLine, Invoice, InvoiceLine
from orders.services.invoices import documents_csv


class ReadOnly:
    """Nothing is added, changed or deleted: issued documents never change."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class InvoiceLineInline(ReadOnly, admin.TabularInline):
    model = InvoiceLine
    extra = 0
    fields = ["description", "sku", "quantity", "unit_price", "discount", "net", "tax_rate"]
    fields += ["tax", "gross"]
    readonly_fields = fields


class CreditNoteInline(ReadOnly, admin.TabularInline):
    model = CreditNote
    extra = 0
    fields = ["number", "issued_at", "reason", "net", "tax", "gross"]
    readonly_fields = fields
    show_change_link = True


class CreditNoteLineInline(ReadOnly, admin.TabularInline):
    model = CreditNoteLine
    extra = 0
    fields = ["description", "quantity", "net", "tax_rate", "tax", "gross"]
    readonly_fields = fields


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=gettext_lazy("To (included)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The period ends before it starts."))
        return data


def _last_month() -> tuple[date, date]:
    first_of_this = timezone.localdate().replace(day=1)
    end = first_of_this - timedelta(days=1)
    return end.replace(day=1), end


@admin.register(Invoice)
class InvoiceAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["number", "issued_at", "supply_date", "order", "buyer_name", "net", "tax"]
    list_display += ["gross"]
    search_fields = ["number", "order__number", "buyer_name", "buyer_email", "order__user__email"]
    search_help_text = "Search by invoice or order number, customer name or email."
    date_hierarchy = "issued_at"
    list_select_related = ["order"]
    inlines = [InvoiceLineInline, CreditNoteInline]
    exclude = ["order", "payment"]
    readonly_fields = [
        "number",
        "order_number",
        "issued_at",
        "supply_date",
        "seller_name",
        "seller_address",
        "seller_vat_number",
        "buyer_name",
        "buyer_email",
        "buyer_address",
        "currency",
        "prices_include_tax",
        "discount",
        "net",
        "tax",
        "gross",
    ]

    @admin.display(description="Order")
    def order_number(self, invoice: Invoice) -> str:
        return invoice.order.number

    def get_urls(self):
        return [
            path(
                "accounts/",
                self.admin_site.admin_view(self.period_csv_view),
                name="orders_invoice_period_csv",
            ),
            *super().get_urls(),
        ]

    def period_csv_view(self, request):
        """A form for the period; submitted, the CSV of its invoices and credit notes."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if "start" in request.GET:
            form = PeriodForm(request.GET)
            if form.is_valid():
                start, end = form.cleaned_data["start"], form.cleaned_data["end"]
                response = HttpResponse(
                    documents_csv(start=start, end=end), content_type="text/csv; charset=utf-8"
                )
                response["Content-Disposition"] = (
                    f'attachment; filename="invoices-{start.isoformat()}-{end.isoformat()}.csv"'
                )
                return response
        else:
            start, end = _last_month()
            form = PeriodForm(initial={"start": start, "end": end})
        return TemplateResponse(
            request,
            "admin/orders/invoice/period_csv.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Invoices and credit notes for the accountant"),
                "form": form,
            },
        )


@admin.register(CreditNote)
class CreditNoteAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["number", "issued_at", "invoice", "reason", "net", "tax", "gross"]
    search_fields = [
        "number",
        "invoice__number",
        "invoice__order__number",
        "invoice__buyer_name",
        "invoice__buyer_email",
    ]
    search_help_text = "Search by credit note, invoice or order number, customer name or email."
    date_hierarchy = "issued_at"
    list_select_related = ["invoice"]
    inlines = [CreditNoteLineInline]
    exclude = ["refund"]
    readonly_fields = ["number", "invoice", "issued_at", "reason", "net", "tax", "gross"]
