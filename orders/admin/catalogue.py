from django.contrib import admin
from django.db.models import Count, F

from orders.models import Category, Product


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "product_count"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

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


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "sku", "category", "price", "stock", "low_stock", "is_active"]
    list_editable = ["stock", "is_active"]
    list_filter = ["category", "is_active", LowStockFilter]
    list_select_related = ["category"]
    search_fields = ["name", "sku", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["category"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["category", "name", "slug", "sku", "description", "image"]}),
        ("Price", {"fields": ["price", "tax_rate"]}),
        ("Stock", {"fields": ["stock", "low_stock_threshold", "is_active"]}),
    ]

    @admin.display(description="low stock", boolean=True)
    def low_stock(self, product: Product) -> bool:
        return product.low_on_stock
