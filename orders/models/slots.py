"""Fulfilment slots: the time windows orders are delivered or collected in."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Slot(models.Model):
    """A time window in which the shop delivers or hands over orders, for up to `capacity` orders.

    `reserved` counts the live orders holding a place; orders.services.slots is the only writer.
    """

    class Kind(models.TextChoices):
        DELIVERY = "delivery", _("Delivery")
        PICKUP = "pickup", _("Pickup")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    capacity = models.PositiveIntegerField(help_text="How many orders this slot can take.")
    reserved = models.PositiveIntegerField(default=0, editable=False)
    # Off when a closure or a change of the opening hours took the slot away while orders
    # held it (or pointed at it): it keeps those orders and takes no new ones.
    is_open = models.BooleanField(
        "takes orders",
        default=True,
        editable=False,
        help_text="Off while a closure or the opening hours leave the slot out.",
    )

    class Meta:
        ordering = ["starts_at", "kind", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(reserved__gte=0), name="slot_reserved_not_negative"),
            models.CheckConstraint(
                condition=Q(reserved__lte=models.F("capacity")),
                name="slot_reserved_within_capacity",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_it_starts"
            ),
            # At most one slot per kind and start: what makes creating slots idempotent.
            models.UniqueConstraint(
                fields=["kind", "starts_at"], name="slot_kind_starts_at_unique"
            ),
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        end = timezone.localtime(self.ends_at)
        return f"{self.get_kind_display()} {local:%a %d %b %H:%M}-{end:%H:%M}"

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.reserved, 0)
