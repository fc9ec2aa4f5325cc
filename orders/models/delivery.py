"""Delivery areas: the zones the shop's van goes to, their postcode rules, fee and minimum.

Which zone (if any) serves a postcode is decided by orders.services.delivery alone; see
docs/decisions/0007-delivery-zones.md for the rule and its examples.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from config.validators import single_line


class DeliveryZone(models.Model):
    """An area delivered for one fee; an order below `minimum_order` is refused, and one at
    or over `free_delivery_over` (after its coupon) is delivered free."""

    name = models.CharField(_("name"), max_length=100, validators=[single_line])
    country = CountryField(_("country"), default="GB")
    fee = models.DecimalField(
        _("fee"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    minimum_order = models.DecimalField(
        _("minimum order"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Orders of less (goods after the coupon) are refused."),
    )
    free_delivery_over = models.DecimalField(
        _("free delivery from"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Orders of this much or more (after the coupon) are delivered free."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("delivery zone")
        verbose_name_plural = _("delivery zones")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fee__gte=0)
                & models.Q(minimum_order__gte=0)
                & (models.Q(free_delivery_over__isnull=True) | models.Q(free_delivery_over__gte=0)),
                name="delivery_zone_amounts_not_negative",
            )
        ]

    def __str__(self):
        return self.name


class DeliveryZoneRule(models.Model):
    """One postcode rule of a zone: a full postcode (`E1 6AN`), an outward code or prefix
    (`SW1`, `E`), or an outward-code range (`E1-E9`); including or excluding."""

    zone = models.ForeignKey(DeliveryZone, on_delete=models.CASCADE, related_name="rules")
    pattern = models.CharField(
        _("pattern"),
        max_length=20,
        validators=[single_line],
        help_text=_("A full postcode, an outward code or prefix (SW1), or a range (E1-E9)."),
    )
    include = models.BooleanField(
        _("include"), default=True, help_text=_("Off: the postcodes it matches are excluded.")
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("postcode rule")
        verbose_name_plural = _("postcode rules")

    def __str__(self):
        return f"{'+' if self.include else '-'}{self.pattern}"
