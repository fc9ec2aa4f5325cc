"""Admin for the catalogue. Stock is read-only here: it changes by a recorded stock movement."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy
from import_export.admin import ImportExportMixin
from modeltranslation.admin import TranslationAdmin

from config.admin_site import CheckedAutocompleteSelect
from config.errors import ApplicationError
from config.validators import single_line
from orders import permissions
from orders.admin.common import ServiceSaveAdmin
from orders.admin.imports import FORMATS, ProductResource, import_problems
from orders.admin.options import OptionGroupInline, option_groups_formset_save
from orders.food import ALLERGENS, SUITABLE_FOR, allergen_mask, suitable_for_mask
from orders.models import Category, OptionGroup, Product, ProductImage, StockMovement
from orders.services.catalogue import product_save
from orders.services.images import (
    image_clean,
    product_image_add,
    product_image_delete,
    product_image_update,
)
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
class CategoryAdmin(TranslationAdmin):
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


class AllergenInfoFilter(admin.SimpleListFilter):
    title = gettext_lazy("allergen information")
    parameter_name = "allergens"

    def lookups(self, request, model_admin):
        return [
            ("known", gettext_lazy("Recorded")),
            ("unknown", gettext_lazy("Not known (ask the shop)")),
        ]

    def queryset(self, request, queryset):
        if self.value() in ("known", "unknown"):
            return queryset.filter(allergens_contains__isnull=self.value() == "unknown")
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
        label=gettext_lazy("Change"),
        min_value=-MAX_ADJUSTMENT,
        max_value=MAX_ADJUSTMENT,
        help_text=gettext_lazy("How many to add; a negative number takes away (e.g. -3)."),
    )
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), choices=StockMovement.Reason.choices)
    note = forms.CharField(
        label=gettext_lazy("Note"), max_length=200, required=False, validators=[single_line]
    )


class ProductImageForm(forms.ModelForm):
    """A new picture is checked as the API checks it; a kept one's file never changes (its
    alt text and place do): upload another and delete this one instead."""

    # A plain file field: the images service decodes it and says what is wrong with it.
    image = forms.FileField(
        label="file", help_text="A JPEG, PNG or WebP photo; its EXIF data is removed."
    )
    position = forms.IntegerField(
        min_value=0, required=False, help_text="Lower comes first; empty: after the others."
    )

    class Meta:
        model = ProductImage
        fields = ["image", "alt", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["image"].disabled = True

    def clean_position(self):
        position = self.cleaned_data["position"]
        return self.instance.position if position is None and self.instance.pk else position

    def clean_image(self):
        upload = self.cleaned_data["image"]
        if not self.instance.pk:
            try:
                image_clean(upload=upload)
            except ApplicationError as error:
                raise forms.ValidationError(error.message) from error
        return upload


class ProductImageInline(admin.TabularInline):
    """The product's pictures, the lowest position first (the main one)."""

    model = ProductImage
    form = ProductImageForm
    extra = 1
    fields = ["preview", "image", "alt", "position", "renditions_state"]
    readonly_fields = ["preview", "renditions_state"]
    ordering = ["position", "pk"]

    # Pictures are part of the product: whoever may edit it may add, change and delete them.
    def has_add_permission(self, request, obj=None):
        return request.user.has_perm(permissions.EDIT_CATALOGUE)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(permissions.EDIT_CATALOGUE)

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm(permissions.EDIT_CATALOGUE)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("orders.view_product")

    @admin.display(description="renditions")
    def renditions_state(self, image: ProductImage) -> str:
        return image.get_renditions_status_display() if image.pk else ""

    @admin.display(description="picture")
    def preview(self, image: ProductImage) -> str:
        if not image.pk:
            return ""
        return format_html(
            '<img src="{}" alt="{}" width="96" height="{}">',
            image.src,
            image.alt,
            max(1, round(96 * image.height / image.width)),
        )


def _checkboxes(entries, *, label: str, help_text: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=[(entry.key, entry.label) for entry in entries],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=help_text,
    )


class ProductForm(forms.ModelForm):
    """The allergens and diets as checkboxes, stored as the product's bits (orders/food.py);
    the model's clean() says what does not fit together."""

    allergens_unknown = forms.BooleanField(
        label=gettext_lazy("Allergens not known"),
        required=False,
        help_text=gettext_lazy(
            'Customers are told to "ask the shop"; with SELL_WITHOUT_ALLERGEN_INFO off it is '
            "not sold. Leave unticked and tick nothing below for a product with none of the 14."
        ),
    )
    contains = _checkboxes(ALLERGENS, label=gettext_lazy("Contains"))
    may_contain = _checkboxes(
        ALLERGENS,
        label=gettext_lazy("May contain"),
        help_text=gettext_lazy("Traces: made beside them."),
    )
    suitable = _checkboxes(SUITABLE_FOR, label=gettext_lazy("Suitable for"))

    class Meta:
        model = Product
        # The bits are written by clean() from the checkboxes.
        fields = [
            "category",
            "name",
            "slug",
            "sku",
            "description",
            "price",
            "tax_rate",
            "low_stock_threshold",
            "is_active",
            "ingredients",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        product = self.instance
        self.initial.setdefault("allergens_unknown", not product.allergens_known)
        self.initial.setdefault("contains", [entry.key for entry in product.contains])
        self.initial.setdefault("may_contain", [entry.key for entry in product.may_contain])
        self.initial.setdefault("suitable", [entry.key for entry in product.suitable])

    def clean(self):
        data = super().clean()
        unknown = data.get("allergens_unknown")
        if unknown and data.get("contains"):
            self.add_error(
                "contains", gettext_lazy('Untick "Allergens not known", or leave these unticked.')
            )
        product = self.instance
        product.allergens_contains = None if unknown else allergen_mask(data.get("contains", []))
        product.allergens_may_contain = allergen_mask(data.get("may_contain", []))
        product.suitable_for = suitable_for_mask(data.get("suitable", []))
        return data


@admin.register(Product)
class ProductAdmin(ImportExportMixin, TranslationAdmin, ServiceSaveAdmin):
    service = staticmethod(product_save)
    form = ProductForm
    resource_classes = [ProductResource]
    import_formats = FORMATS
    export_formats = FORMATS
    list_display = ["name", "sku", "category", "price", "stock", "low_stock", "is_active"]
    list_editable = ["is_active"]
    list_filter = ["category", "is_active", LowStockFilter, AllergenInfoFilter]
    list_select_related = ["category"]
    search_fields = ["name", "sku", "description"]
    date_hierarchy = "created_at"
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["category"]
    list_per_page = 50

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.autocomplete_fields:
            kwargs["widget"] = CheckedAutocompleteSelect(db_field, self.admin_site)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    readonly_fields = ["stock_with_link"]
    inlines = [ProductImageInline, OptionGroupInline, StockMovementInline]
    fieldsets = [
        # Each text in English and German (modeltranslation); an empty German one shows English.
        (
            None,
            {
                "fields": [
                    "category",
                    "name_en",
                    "name_de",
                    "slug",
                    "sku",
                    "description_en",
                    "description_de",
                ]
            },
        ),
        ("Price", {"fields": ["price", "tax_rate"]}),
        (
            gettext_lazy("Food information"),
            {
                "fields": [
                    "allergens_unknown",
                    "contains",
                    "may_contain",
                    "ingredients",
                    "suitable",
                ]
            },
        ),
        (gettext_lazy("Message"), {"fields": ["allows_message", "message_max_length"]}),
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

    # Importing and exporting the catalogue is editing it: managers only.
    def has_import_permission(self, request):
        return request.user.has_perm(permissions.EDIT_CATALOGUE)

    def has_export_permission(self, request):
        return request.user.has_perm(permissions.EDIT_CATALOGUE)

    def get_export_queryset(self, request):
        # The sheet lists each product's pictures: read in one query, not one per product.
        return super().get_export_queryset(request).prefetch_related("images")

    def get_import_data_kwargs(self, **kwargs):
        # All or nothing: a row refused when the import is applied undoes the others too.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def process_result(self, result, request):
        """After "Confirm import": a refusal (a row that no longer holds) says what and
        where, and that nothing was written."""
        problems = import_problems(result)
        if not problems:
            return super().process_result(result, request)
        self.message_user(
            request, "Nothing was imported. " + " ".join(problems[:10]), messages.ERROR
        )
        return redirect("admin:orders_product_import")

    def save_formset(self, request, form, formset, change):
        """Pictures are added, changed and deleted through the images services, option
        groups through the options services."""
        if formset.model is OptionGroup and form.instance.pk is not None:
            return option_groups_formset_save(formset, product=form.instance)
        if formset.model is not ProductImage:
            return super().save_formset(request, form, formset, change)
        if form.instance.pk is None:  # the product was refused: nothing to attach to
            return None
        formset.save(commit=False)
        for image in formset.deleted_objects:
            product_image_delete(image=image)
        for image, _ in formset.changed_objects:
            product_image_update(image=image, alt=image.alt, position=image.position)
        for image_form in formset.forms:
            if image_form.instance in formset.new_objects:
                product_image_add(
                    product=form.instance,
                    upload=image_form.cleaned_data["image"],
                    alt=image_form.cleaned_data["alt"],
                    position=image_form.cleaned_data["position"],
                )
        return None

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
                    gettext("Stock of %(name)s changed by %(delta)s: now %(stock)s.")
                    % {
                        "name": product.name,
                        "delta": f"{movement.delta:+d}",
                        "stock": movement.stock_after,
                    },
                    messages.SUCCESS,
                )
                return redirect("admin:orders_product_change", product.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Adjust the stock of %(name)s") % {"name": product.name},
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
