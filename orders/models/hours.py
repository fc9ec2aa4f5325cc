"""Opening hours: the weekly pattern slots are created from, and the days the shop is closed."""

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from config.validators import single_line
from orders.models.slots import Slot


class OpeningHours(models.Model):
    """One row of the weekly pattern: on `weekday`, from `start` to `end` (shop time), slots of
    `slot_minutes` each taking `capacity` orders. orders.services.hours turns it into Slots."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    kind = models.CharField(max_length=10, choices=Slot.Kind.choices)
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start = models.TimeField(help_text="Shop time (TIME_ZONE).")
    end = models.TimeField(help_text="Shop time; the last slot ends at or before it.")
    slot_minutes = models.PositiveIntegerField(
        "slot length (minutes)",
        default=120,
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)],
    )
    capacity = models.PositiveIntegerField(help_text="How many orders each slot can take.")

    class Meta:
        verbose_name = "opening hours"
        verbose_name_plural = "opening hours"
        ordering = ["kind", "weekday", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="hours_end_after_start"),
            models.CheckConstraint(condition=Q(slot_minutes__gte=5), name="hours_slot_minutes_min"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="hours_weekday_valid"),
        ]

    def __str__(self):
        return (
            f"{self.get_kind_display()} {self.get_weekday_display()} "
            f"{self.start:%H:%M}-{self.end:%H:%M}"
        )

    def clean(self):
        if self.start is None or self.end is None or self.slot_minutes is None:
            return
        if self.end <= self.start:
            raise ValidationError({"end": "The end must be after the start."})
        day = date(2000, 1, 1)
        if datetime.combine(day, self.start) + timedelta(minutes=self.slot_minutes) > (
            datetime.combine(day, self.end)
        ):
            raise ValidationError({"slot_minutes": "Not even one slot fits between start and end."})


class Closure(models.Model):
    """Days the shop takes no orders (both dates included): no slots are created on them."""

    start_date = models.DateField()
    end_date = models.DateField(help_text="The last closed day; the same as the start for one day.")
    reason = models.CharField(max_length=200, validators=[single_line])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="closure_ends_after_it_starts"
            ),
        ]

    def __str__(self):
        if self.start_date == self.end_date:
            return f"Closed {self.start_date:%d %b %Y}: {self.reason}"
        return f"Closed {self.start_date:%d %b %Y} to {self.end_date:%d %b %Y}: {self.reason}"

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The last closed day cannot be before the first."})
