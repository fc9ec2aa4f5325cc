"""The catalogue: categories and the products the shop sells."""

from decimal import Decimal

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from config.validators import single_line
from orders.food import ALL_ALLERGENS, ALL_SUITABLE_FOR, FoodInformation, allergens_problem

# The most any product lets a buyer write on one line ("Happy birthday Sam").
MESSAGE_MAX_LENGTH = 200


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True, validators=[single_line])
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0, help_text="Lower comes first.")

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name


def allergen_constraints(prefix: str) -> list[models.CheckConstraint]:
    """The allergen bits' backstop: only the 14, "may contain" none of what it contains,
    and nothing that "may" be in it while its allergens are unknown."""
    return [
        models.CheckConstraint(
            condition=Q(allergens_contains__isnull=True)
            | Q(allergens_contains__gte=0, allergens_contains__lte=ALL_ALLERGENS),
            name=f"{prefix}_allergens_contains_known_bits",
        ),
        models.CheckConstraint(
            condition=Q(allergens_may_contain__gte=0, allergens_may_contain__lte=ALL_ALLERGENS)
            & (Q(allergens_contains__isnull=False) | Q(allergens_may_contain=0)),
            name=f"{prefix}_allergens_may_contain_known_bits",
        ),
        models.CheckConstraint(
            condition=Exact(F("allergens_contains").bitand(F("allergens_may_contain")), 0),
            name=f"{prefix}_allergens_contains_or_may_contain",
        ),
    ]


def allergen_fields() -> tuple[models.Field, models.Field]:
    return (
        models.PositiveIntegerField(
            _("contains"),
            null=True,
            blank=True,
            help_text=_("One bit per allergen (orders/food.py); empty: not known."),
        ),
        models.PositiveIntegerField(_("may contain"), default=0),
    )


class Product(FoodInformation, models.Model):
    """Something the shop sells. `price` is the unit price in SHOP_CURRENCY as entered and
    shown: with tax in it when PRICES_INCLUDE_TAX is on, before tax otherwise (orders/pricing.py).
    """

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    sku = models.CharField("SKU", max_length=32, unique=True, validators=[single_line])
    name = models.CharField(max_length=200, validators=[single_line])
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    price = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.00"))]
    )
    tax_rate = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.2000"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text="As a fraction: 0.2000 is 20%.",
    )
    stock = models.IntegerField(default=0, validators=[MinValueValidator(0)])
    low_stock_threshold = models.PositiveIntegerField(default=5)
    is_active = models.BooleanField("active", default=True)
    # Food information (orders/food.py, docs/decisions/0009-allergens-as-bits.md)
    allergens_contains, allergens_may_contain = allergen_fields()
    ingredients = models.TextField(_("ingredients"), blank=True)
    suitable_for = models.PositiveSmallIntegerField(
        _("suitable for"), default=0, help_text=_("One bit per diet (orders/food.py).")
    )
    allows_message = models.BooleanField(
        _("takes a message"),
        default=False,
        help_text=_('The buyer may add a message to the item ("Happy birthday Sam").'),
    )
    message_max_length = models.PositiveSmallIntegerField(
        _("message length"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(MESSAGE_MAX_LENGTH)],
        help_text=_("The longest message the buyer may write, in characters."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # On PostgreSQL a trigger keeps this up to date from the name, the category's name and
    # the description (migration 0007), and a GIN index serves searches from it.
    search_vector = SearchVectorField(null=True, editable=False)
    # The same from the German texts (English where there is none), with PostgreSQL's german
    # configuration, so "Brötchen" finds "Brötchen" and "Kuchen" the cakes (migration 0017).
    search_vector_de = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="product_stock_not_negative"),
            models.CheckConstraint(condition=Q(price__gte=0), name="product_price_not_negative"),
            models.CheckConstraint(
                condition=Q(tax_rate__gte=0, tax_rate__lte=1), name="product_tax_rate_0_to_1"
            ),
            *allergen_constraints("product"),
            models.CheckConstraint(
                condition=Q(suitable_for__lte=ALL_SUITABLE_FOR), name="product_suitable_for_bits"
            ),
            models.CheckConstraint(
                condition=Q(message_max_length__gte=1, message_max_length__lte=MESSAGE_MAX_LENGTH),
                name="product_message_max_length_1_to_200",
            ),
        ]
        indexes = [
            models.Index(fields=["is_active", "category", "name"], name="product_active_category"),
            models.Index(fields=["is_active", "name"], name="product_active_name"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        problem = allergens_problem(
            contains=self.allergens_contains, may_contain=self.allergens_may_contain
        )
        if problem:
            raise ValidationError(problem)

    @property
    def in_stock(self) -> bool:
        return self.stock > 0

    @property
    def low_on_stock(self) -> bool:
        return self.stock <= self.low_stock_threshold

    @property
    def pictures(self) -> list:
        """Its ProductImages in order, the main one first: those the catalogue selectors
        prefetched (as `image_list`), or read now."""
        prefetched = getattr(self, "image_list", None)
        return prefetched if prefetched is not None else list(self.images.all())

    @property
    def main_picture(self):
        pictures = self.pictures
        return pictures[0] if pictures else None
