"""Option groups of a product ("Slicing": whole / sliced; "Size": 6 inch / 8 inch +6.00)."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from config.validators import single_line
from orders.models.catalogue import Product


class OptionGroup(models.Model):
    """A choice the buyer makes about a product: exactly one of its choices when `required`,
    at most one otherwise."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="option_groups", verbose_name=_("product")
    )
    name = models.CharField(_("name"), max_length=60, validators=[single_line])
    required = models.BooleanField(
        _("required"), default=True, help_text=_("The buyer must pick one choice.")
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Lower comes first.")
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("option group")
        verbose_name_plural = _("option groups")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "name"], name="option_group_name_per_product"
            )
        ]

    def __str__(self):
        return self.name


class OptionChoice(models.Model):
    """One answer of a group, and what it adds to (or takes off) the product's unit price."""

    group = models.ForeignKey(
        OptionGroup, on_delete=models.CASCADE, related_name="choices", verbose_name=_("group")
    )
    name = models.CharField(_("name"), max_length=60, validators=[single_line])
    price_change = models.DecimalField(
        _("price change"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        help_text=_(
            "Added to the product's price; may be negative as long as the price stays at "
            "or above zero."
        ),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Lower comes first.")
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("option choice")
        verbose_name_plural = _("option choices")
        constraints = [
            models.UniqueConstraint(fields=["group", "name"], name="option_choice_name_per_group")
        ]

    def __str__(self):
        return self.name
