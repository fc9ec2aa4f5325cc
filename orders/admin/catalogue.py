"""Admin for the catalogue. Stock is read-only here: it changes by a recorded stock movement."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from config.errors import ApplicationError
from orders.admin.common import ServiceSaveAdmin
from orders.models import Category, Product, StockMovement
from orders.services.catalogue import product_save
from orders.services.stock import MAX_ADJUSTMENT, stock_adjust


class ProductInline(admin.TabularInline):
    model = Product
    extra = 0
    fields = ["name", "sku", "price", "stock", "is_active"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "product_count"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ProductInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_product_count=Count("products"))

    @admin.display(description="products", ordering="_product_count")
    def product_count(self, category: Category) -> int:
        return category._product_count


class LowStockFilter(admin.SimpleListFilter):
    title = "stock"
    parameter_name = "stock_level"

    def lookups(self, request, model_admin):
        return [("low", "Low (at or under threshold)"), ("out", "Out of stock")]

    def queryset(self, request, queryset):
        if self.value() == "low":
            return queryset.filter(stock__lte=F("low_stock_threshold"))
        if self.value() == "out":
            return queryset.filter(stock=0)
        return queryset


class StockMovementInline(admin.TabularInline):
    model = StockMovement
    extra = 0
    can_delete = False
    fields = ["created_at", "delta", "stock_after", "reason", "note", "actor"]
    readonly_fields = fields
    ordering = ["-created_at", "-pk"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StockAdjustForm(forms.Form):
    delta = forms.IntegerField(
        label="Change",
        min_value=-MAX_ADJUSTMENT,
        max_value=MAX_ADJUSTMENT,
        help_text="How many to add; a negative number takes away (e.g. -3).",
    )
    reason = forms.ChoiceField(choices=StockMovement.Reason.choices)
    note = forms.CharField(max_length=200, required=False)


@admin.register(Product)
class ProductAdmin(ServiceSaveAdmin):
    service = staticmethod(product_save)
    list_display = ["name", "sku", "category", "price", "stock", "low_stock", "is_active"]
    list_editable = ["is_active"]
    list_filter = ["category", "is_active", LowStockFilter]
    list_select_related = ["category"]
    search_fields = ["name", "sku", "description"]
    date_hierarchy = "created_at"
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["category"]
    list_per_page = 50
    readonly_fields = ["stock_with_link"]
    inlines = [StockMovementInline]
    fieldsets = [
        (None, {"fields": ["category", "name", "slug", "sku", "description", "image"]}),
        ("Price", {"fields": ["price", "tax_rate"]}),
        ("Stock", {"fields": ["stock_with_link", "low_stock_threshold", "is_active"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        """Those who may only look see the stock without the "Adjust stock" link, which
        would answer 403."""
        if self.has_change_permission(request, obj):
            return self.fieldsets
        return [
            (
                name,
                {
                    **options,
                    "fields": [
                        "stock" if field == "stock_with_link" else field
                        for field in options["fields"]
                    ],
                },
            )
            for name, options in self.fieldsets
        ]

    @admin.display(description="low stock", boolean=True)
    def low_stock(self, product: Product) -> bool:
        return product.low_on_stock

    @admin.display(description="stock")
    def stock_with_link(self, product: Product) -> str:
        if product.pk is None:
            return "0 (add stock once the product is saved)"
        url = reverse("admin:orders_product_adjust_stock", args=[product.pk])
        return format_html('{} · <a href="{}">Adjust stock</a>', product.stock, url)

    def get_urls(self):
        return [
            path(
                "<int:pk>/adjust-stock/",
                self.admin_site.admin_view(self.adjust_stock_view),
                name="orders_product_adjust_stock",
            ),
            *super().get_urls(),
        ]

    def adjust_stock_view(self, request, pk: int):
        """A recorded stock movement: the only way stock changes by hand."""
        product = get_object_or_404(Product, pk=pk)
        if not self.has_change_permission(request, product):
            raise PermissionDenied
        form = StockAdjustForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                movement = stock_adjust(product=product, by=request.user, **form.cleaned_data)
            except ApplicationError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                self.message_user(
                    request,
                    f"Stock of {product.name} changed by {movement.delta:+d}: now "
                    f"{movement.stock_after}.",
                    messages.SUCCESS,
                )
                return redirect("admin:orders_product_change", product.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Adjust the stock of {product.name}",
            "opts": self.opts,
            "original": product,
            "form": form,
            "movements": product.stock_movements.select_related("actor")[:10],
        }
        return TemplateResponse(request, "admin/orders/product/adjust_stock.html", context)


@admin.register(StockMovement)
class StockMovementAdmin(admin.ModelAdmin):
    """The stock audit trail: written only by stock_adjust, never edited."""

    list_display = ["created_at", "product", "delta", "stock_after", "reason", "actor"]
    list_filter = ["reason", ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["product", "actor"]
    search_fields = ["product__name", "product__sku", "note", "actor__email"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
