"""The catalogue as a spreadsheet (django-import-export): managers export it and import it
back as CSV or XLSX. Allergens and diets are comma-separated keys (`gluten, milk`); an
empty "contains" cell means not known, `none` means none of the 14.

An import is previewed first (a dry run listing each row's errors, nothing written) and
applied all or nothing. Every write goes through the services: product fields through
product_save (which never writes stock), and a stock figure that differs from the shelf
through stock_count, a recorded movement of the difference. Picture URLs are exported for
reference and ignored on import: nothing is fetched.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import translation
from import_export import fields, resources, widgets
from import_export.formats.base_formats import CSV, XLSX
from import_export.instance_loaders import CachedInstanceLoader

from config.csv import csv_cell
from orders.food import ALLERGENS, SUITABLE_FOR, Entry
from orders.models import Category, Product
from orders.services.catalogue import product_save
from orders.services.stock import stock_count

FORMATS = [CSV, XLSX]
# In the "contains" column: known to contain none of the 14 (an empty cell: not known).
NONE = "none"
IMPORT_NOTE = "Catalogue import"


class CategoryWidget(widgets.ForeignKeyWidget):
    """A category by its slug; an unknown one is that row's error, naming the slug.

    The categories are read once per import (ProductResource.before_import), not per row.
    """

    def __init__(self):
        super().__init__(Category, field="slug")
        self.by_slug: dict[str, Category] = {}

    def clean(self, value, row=None, **kwargs):
        slug = str(value or "").strip()
        if not slug:
            raise ValueError("Every product needs a category (its slug).")
        category = self.by_slug.get(slug)
        if category is None:
            raise ValueError(f"There is no category {slug!r}: add it first.")
        return category


class AmountWidget(widgets.DecimalWidget):
    """A decimal that says which text is not a number instead of failing with a 500."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row=row, **kwargs)
        except (InvalidOperation, ValueError, TypeError) as error:
            raise ValueError(f"{value!r} is not a number.") from error


class WholeNumberWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        try:
            number = super().clean(value, row=row, **kwargs)
        except (InvalidOperation, ValueError, TypeError) as error:
            raise ValueError(f"{value!r} is not a whole number.") from error
        if number is not None and Decimal(str(value).strip()) != number:
            raise ValueError(f"{value!r} is not a whole number.")
        return number


class KeysWidget(widgets.Widget):
    """A list of orders.food keys in one cell ("gluten, milk"), stored as bits.

    For what a product contains an empty cell means "not known" and `none` means none of
    the 14; for the others an empty cell means none.
    """

    def __init__(self, entries: tuple[Entry, ...], *, empty_is_unknown: bool = False):
        super().__init__()
        self.entries = entries
        self.empty_is_unknown = empty_is_unknown

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip().lower()
        if not text:
            return None if self.empty_is_unknown else 0
        if text == NONE:
            return 0
        bits = {entry.key: 1 << place for place, entry in enumerate(self.entries)}
        mask = 0
        for key in filter(None, (part.strip() for part in text.split(","))):
            if key not in bits:
                raise ValueError(
                    f"{key!r} is not one of: {', '.join(bits)} (comma-separated)"
                    + (f", or {NONE}." if self.empty_is_unknown else ".")
                )
            mask |= bits[key]
        return mask

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if not value:
            return NONE if self.empty_is_unknown else ""
        return ", ".join(
            entry.key for place, entry in enumerate(self.entries) if value >> place & 1
        )


class ProductResource(resources.ModelResource):
    category = fields.Field(attribute="category", column_name="category", widget=CategoryWidget())
    # An empty cell of a spreadsheet reads as nothing; a description may be empty text.
    description = fields.Field(
        attribute="description",
        column_name="description",
        widget=widgets.CharWidget(allow_blank=True),
    )
    price = fields.Field(attribute="price", column_name="price", widget=AmountWidget())
    tax_rate = fields.Field(attribute="tax_rate", column_name="tax_rate", widget=AmountWidget())
    stock = fields.Field(attribute="stock", column_name="stock", widget=WholeNumberWidget())
    low_stock_threshold = fields.Field(
        attribute="low_stock_threshold",
        column_name="low_stock_threshold",
        widget=WholeNumberWidget(),
    )
    allergens_contains = fields.Field(
        attribute="allergens_contains",
        column_name="contains",
        widget=KeysWidget(ALLERGENS, empty_is_unknown=True),
    )
    allergens_may_contain = fields.Field(
        attribute="allergens_may_contain",
        column_name="may_contain",
        widget=KeysWidget(ALLERGENS),
    )
    ingredients = fields.Field(
        attribute="ingredients",
        column_name="ingredients",
        widget=widgets.CharWidget(allow_blank=True),
    )
    suitable_for = fields.Field(
        attribute="suitable_for", column_name="suitable_for", widget=KeysWidget(SUITABLE_FOR)
    )
    images = fields.Field(column_name="images", readonly=True)

    class Meta:
        model = Product
        import_id_fields = ["sku"]
        fields = [
            "sku",
            "name",
            "slug",
            "category",
            "description",
            "price",
            "tax_rate",
            "stock",
            "low_stock_threshold",
            "is_active",
            "allergens_contains",
            "allergens_may_contain",
            "ingredients",
            "suitable_for",
            "images",
        ]
        export_order = fields
        use_transactions = True
        clean_model_instances = True
        # The rows' products are read in one query, not one per row.
        instance_loader_class = CachedInstanceLoader
        skip_unchanged = True
        report_skipped = True

    def import_data(self, *args, **kwargs):
        """The sheet's name and description are the English texts, whatever language the
        manager reads admin in (the German ones are edited in the product form)."""
        with translation.override("en"):
            return super().import_data(*args, **kwargs)

    def export(self, *args, **kwargs):
        with translation.override("en"):
            return super().export(*args, **kwargs)

    def before_import(self, dataset, **kwargs):
        self.fields["category"].widget.by_slug = {c.slug: c for c in Category.objects.all()}

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's own checks, as the admin form makes them, but for two the import has
        made already, each of which would cost queries on every row: the category exists
        (CategoryWidget found it), and the check constraints, which repeat the fields'
        validators (stock and price at least 0, a tax rate from 0 to 1) and stay the
        database's backstop."""
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(
                exclude={*errors, "category"},
                validate_unique=validate_unique,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def get_queryset(self):
        return Product.objects.select_related("category").prefetch_related("images")

    def dehydrate_images(self, product: Product) -> str:
        """The pictures' addresses, for reference: an import ignores this column. Read from
        the prefetched pictures (every export prefetches them); a product an import is
        making has none."""
        if "images" not in getattr(product, "_prefetched_objects_cache", {}):
            return ""
        return " ".join(image.url for image in product.images.all())

    def export_field(self, field, instance, **kwargs):
        return csv_cell(super().export_field(field, instance, **kwargs))

    def import_instance(self, instance, row, **kwargs):
        """Remember the stock the sheet counted (product_save never writes stock); an empty
        stock cell leaves the stock as it is."""
        on_shelf = instance.stock or 0
        super().import_instance(instance, row, **kwargs)
        instance.counted_stock = instance.stock
        if instance.stock is None:
            instance.stock = on_shelf

    def save_instance(self, instance, is_create, row, **kwargs):
        """Saved through the services, inside the import's one transaction (a dry run's is
        rolled back): the fields, then the stock as a recorded movement."""
        product_save(product=instance)
        if instance.counted_stock is not None:
            stock_count(
                product=instance,
                counted=instance.counted_stock,
                by=kwargs.get("user"),
                note=IMPORT_NOTE,
            )


def import_problems(result) -> list[str]:
    """Each refused row of an import's result, as "Row N: what is wrong." sentences."""
    problems = [
        f"Row {row.number}: "
        + " ".join(f"{field}: {' '.join(errors)}" for field, errors in row.error_dict.items())
        for row in result.invalid_rows
    ]
    problems += [
        f"Row {number}: {' '.join(str(error.error) for error in errors)}"
        for number, errors in result.row_errors()
    ]
    problems += [str(error.error) for error in result.base_errors]
    return problems
