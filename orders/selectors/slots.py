"""Reads of fulfilment slots."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from orders.days import shop_day
from orders.models import Slot


def slot_bookable_from(*, now: datetime | None = None) -> datetime:
    """The cut-off rule: a slot can be booked while it starts after this moment.

    Booking closes SLOT_CUTOFF_MINUTES before a slot starts, so the shop has time to prepare.
    """
    return (now or timezone.now()) + timedelta(minutes=settings.SLOT_CUTOFF_MINUTES)


def slots_on_day(slots: QuerySet[Slot], *, day: date) -> QuerySet[Slot]:
    """The slots starting on `day`, in shop time."""
    start, end = shop_day(day)
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
