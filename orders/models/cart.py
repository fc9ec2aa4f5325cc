"""Carts: one per user, one per guest browser session."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from orders.models.catalogue import MESSAGE_MAX_LENGTH, Product

MAX_LINE_QUANTITY = 99


class Cart(models.Model):
    """One per user; an anonymous browser's cart has no user and is found through its session."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cart",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["updated_at"], name="cart_updated_at")]

    def __str__(self):
        return f"Cart {self.pk} of {self.user or 'a guest'}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_LINE_QUANTITY)]
    )
    # The chosen OptionChoice ids, sorted and joined by commas ("" for none): one line per
    # product, choices and message, so the same loaf sliced and whole are two lines.
    choices_key = models.CharField(max_length=200, blank=True, default="")
    message = models.CharField(max_length=MESSAGE_MAX_LENGTH, blank=True, default="")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cart", "product", "choices_key", "message"],
                name="cart_line_one_per_product_choices_message",
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1, quantity__lte=MAX_LINE_QUANTITY),
                name="cart_line_quantity_1_to_99",
            ),
        ]

    def __str__(self):
        return f"{self.quantity} x {self.product}"

    @property
    def choice_ids(self) -> list[int]:
        return [int(part) for part in self.choices_key.split(",") if part]
