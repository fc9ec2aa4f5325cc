"""Reads of fulfilment slots."""

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from orders.models import Slot
from orders.services.slots import slot_bookable_from


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """Where `day`, a date in shop time (TIME_ZONE), starts and the next day starts.

    Filtering a datetime column on this range (not a __date lookup) lets an index serve it.
    """
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def slots_on_day(slots: QuerySet[Slot], *, day: date) -> QuerySet[Slot]:
    """The slots starting on `day`, in shop time."""
    start, end = day_bounds(day)
    return slots.filter(starts_at__gte=start, starts_at__lt=end)


def slot_list_bookable(*, kind: str = "", day: date | None = None) -> QuerySet[Slot]:
    """Slots still open for booking (before their cut-off), soonest first, full ones included
    (remaining 0). Slots a closure or the opening hours closed are left out, booked or not."""
    slots = Slot.objects.filter(starts_at__gt=slot_bookable_from(), capacity__gt=0, is_open=True)
    if kind:
        slots = slots.filter(kind=kind)
    if day is not None:
        slots = slots_on_day(slots, day=day)
    return slots.order_by("starts_at", "kind", "pk")
