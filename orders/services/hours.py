"""Opening hours: creating the coming days' slots from the weekly pattern, and closures."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from orders.days import shop_day
from orders.models import Closure, OpeningHours, Slot
from orders.services.locks import lock_opening_hours, lock_slots_between


def _shop_time(naive: datetime, zone: ZoneInfo) -> datetime | None:
    """`naive` as a wall-clock time in the shop's zone, or None when the clocks skip it.

    A time the clocks go back over (it happens twice) is its first occurrence (fold=0).
    """
    aware = naive.replace(tzinfo=zone)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        return None
    return aware


def _closed_days(*, first: date, last: date) -> set[date]:
    closed = set()
    for closure in Closure.objects.filter(start_date__lte=last, end_date__gte=first):
        day = max(closure.start_date, first)
        while day <= min(closure.end_date, last):
            closed.add(day)
            day += timedelta(days=1)
    return closed


def _slots_wanted(*, hours: list[OpeningHours], first: date, days: int) -> list[Slot]:
    zone = ZoneInfo(settings.TIME_ZONE)
    closed = _closed_days(first=first, last=first + timedelta(days=days - 1))
    now = timezone.now()
    wanted = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        if day in closed:
            continue
        for row in hours:
            if row.weekday != day.weekday():
                continue
            length = timedelta(minutes=row.slot_minutes)
            start, close = datetime.combine(day, row.start), datetime.combine(day, row.end)
            # Steps are taken on the wall clock, so a 09:00 slot starts at 09:00 whatever
            # the clocks did that night.
            while start + length <= close:
                starts_at = _shop_time(start, zone)
                # An end the clocks skip is the moment they jump (its offset before the change).
                ends_at = (start + length).replace(tzinfo=zone)
                if starts_at and starts_at > now and ends_at > starts_at:
                    wanted.append(
                        Slot(
                            kind=row.kind,
                            starts_at=starts_at,
                            ends_at=ends_at,
                            capacity=row.capacity,
                        )
                    )
                start += length
    return wanted


@transaction.atomic
def slots_generate(*, days: int | None = None, today: date | None = None) -> int:
    """Create the slots of the next `days` days (SLOT_HORIZON_DAYS) from the opening hours.

    Returns how many were created. A slot that exists (same kind and start) is never touched,
    so its bookings survive a change of the pattern; closed days get none; a time the clocks
    skip is skipped. Safe to run twice or from two workers at once: the unique constraint on
    (kind, starts_at) lets each slot in once.
    """
    days = settings.SLOT_HORIZON_DAYS if days is None else days
    first = today or timezone.localdate()
    # Locking the pattern serialises generators with each other and with closure_apply, so
    # no slot is created on a day a closure is clearing at that moment.
    hours = lock_opening_hours()
    wanted = _slots_wanted(hours=hours, first=first, days=days)
    if not wanted:
        return 0
    existing = set(
        Slot.objects.filter(
            starts_at__gte=min(s.starts_at for s in wanted),
            starts_at__lte=max(s.starts_at for s in wanted),
        ).values_list("kind", "starts_at")
    )
    new, seen = [], set(existing)
    for slot in wanted:
        if (slot.kind, slot.starts_at) not in seen:
            seen.add((slot.kind, slot.starts_at))
            new.append(slot)
    Slot.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


@dataclass
class ClosureOutcome:
    """What closing did: how many open slots went, and the booked ones staff must resolve."""

    removed: int = 0
    booked: list[Slot] = field(default_factory=list)


@transaction.atomic
def closure_apply(*, closure: Closure) -> ClosureOutcome:
    """Remove the open slots on the closed days that nobody booked; return the booked ones.

    Booked slots stay as they are (their orders are never cancelled here). A slot nobody holds
    now but that past (cancelled, expired) orders point at is kept for their history and
    closed instead: its capacity drops to 0.
    """
    lock_opening_hours()
    start, _ = shop_day(closure.start_date)
    _, end = shop_day(closure.end_date)
    # The slots' row locks make a checkout taking a place in one of them wait, or go first.
    slots = lock_slots_between(start=start, end=end)
    booked = [slot for slot in slots if slot.reserved]
    free = [slot.pk for slot in slots if not slot.reserved]
    with_history = set(
        Slot.objects.filter(pk__in=free, orders__isnull=False).values_list("pk", flat=True)
    )
    removed, _ = Slot.objects.filter(pk__in=set(free) - with_history).delete()
    closed = Slot.objects.filter(pk__in=with_history, reserved=0).update(capacity=0)
    return ClosureOutcome(
        removed=removed + closed, booked=sorted(booked, key=lambda s: (s.starts_at, s.kind))
    )


@transaction.atomic
def opening_hours_save(*, hours: OpeningHours) -> int:
    """Save a row of the weekly pattern and create the slots it now gives; return how many.

    Slots that exist already are left as they are, with their bookings.
    """
    hours.full_clean()
    hours.save()
    return slots_generate()


@transaction.atomic
def closure_save(*, closure: Closure) -> ClosureOutcome:
    """Save a closure (new or changed) and apply it; days it no longer covers get their slots
    back from the pattern."""
    closure.full_clean()
    closure.save()
    outcome = closure_apply(closure=closure)
    slots_generate()
    return outcome


@transaction.atomic
def closures_delete(*, closures: list[Closure]) -> int:
    """Reopen: delete the closures and create the slots of the days they covered; return how
    many slots came back."""
    Closure.objects.filter(pk__in=[c.pk for c in closures]).delete()
    return slots_generate()
