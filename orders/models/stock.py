"""Stock movements: every change of a product's stock made by hand, with who, how many and why."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.validators import single_line
from orders.models.catalogue import Product


class StockMovement(models.Model):
    """One recorded change of stock. orders.services.stock.stock_adjust is the only writer.

    Checkout and cancelling move stock too; those are recorded by their order and lines.
    """

    class Reason(models.TextChoices):
        DELIVERY = "delivery", _("Goods delivered")
        COUNT = "count", _("Stock count correction")
        DAMAGED = "damaged", _("Damaged or expired")
        OTHER = "other", _("Other")

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="stock_movements")
    delta = models.IntegerField("change", help_text="Added (positive) or taken away (negative).")
    stock_after = models.PositiveIntegerField()
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.CharField(max_length=200, blank=True, validators=[single_line])
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(delta=0), name="stock_movement_delta_not_zero"),
        ]
        indexes = [models.Index(fields=["product", "-created_at"], name="stock_move_product_time")]

    def __str__(self):
        return f"{self.delta:+d}, {self.get_reason_display().lower()}"
