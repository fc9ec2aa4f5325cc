"""Opening hours: creating the coming days' slots from the weekly pattern, and closures."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from orders.days import shop_day
from orders.models import Closure, OpeningHours, Order, Slot
from orders.services.locks import lock_opening_hours, lock_slots
from orders.states import IN_PROGRESS


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
    _reopen(wanted)
    return len(new)


def _reopen(wanted: list[Slot]) -> None:
    """Slots a closure or the pattern closed take orders again once the pattern gives them
    back (a closure deleted or shortened, the hours widened again)."""
    closed = Slot.objects.filter(
        is_open=False,
        starts_at__gte=min(s.starts_at for s in wanted),
        starts_at__lte=max(s.starts_at for s in wanted),
    ).values_list("pk", "kind", "starts_at", "ends_at")
    given = {(s.kind, s.starts_at, s.ends_at) for s in wanted}
    back = [pk for pk, *key in closed if tuple(key) in given]
    if back:
        Slot.objects.filter(pk__in=back).update(is_open=True)


@dataclass
class ClosureOutcome:
    """What closing did: how many open slots went, and the booked ones staff must resolve
    (each with its live orders, `slot.live_orders`)."""

    removed: int = 0
    booked: list[Slot] = field(default_factory=list)


def _slots_close(slots: QuerySet[Slot]) -> ClosureOutcome:
    """Take the slots away from booking: remove those nobody ever booked, close the others.

    A closed slot (is_open off) keeps its orders and their history and takes no new order:
    checkout, the slots API and the checkout page pass it by. Its live orders are never
    cancelled here; they are returned for staff to resolve with the customers.
    """
    # The slots' row locks make a checkout taking a place in one of them wait, or go first.
    locked = lock_slots(slots)
    ids = {slot.pk for slot in locked}
    booked = [slot for slot in locked if slot.reserved]
    with_history = set(
        Slot.objects.filter(pk__in=ids, orders__isnull=False).values_list("pk", flat=True)
    )
    removed, _ = Slot.objects.filter(pk__in=ids - with_history).delete()
    closed = Slot.objects.filter(
        pk__in=with_history - {slot.pk for slot in booked}, is_open=True
    ).update(is_open=False)
    Slot.objects.filter(pk__in=[slot.pk for slot in booked]).update(is_open=False)
    live = list(
        Order.objects.filter(slot__in=booked).filter(status__in=IN_PROGRESS).order_by("number")
    )
    for slot in booked:
        slot.is_open = False
        slot.live_orders = [order for order in live if order.slot_id == slot.pk]
    return ClosureOutcome(
        removed=removed + closed, booked=sorted(booked, key=lambda s: (s.starts_at, s.kind))
    )


@transaction.atomic
def closure_apply(*, closure: Closure) -> ClosureOutcome:
    """Close every slot of the closed days: the booked ones take no more orders and are
    returned with their orders for staff to resolve; the others go (see _slots_close)."""
    lock_opening_hours()
    start, _ = shop_day(closure.start_date)
    _, end = shop_day(closure.end_date)
    return _slots_close(Slot.objects.filter(starts_at__gte=start, starts_at__lt=end))


def _slots_outside_pattern(*, days: set[tuple[str, int]]) -> QuerySet[Slot]:
    """The coming slots of these (kind, weekday) pairs that the weekly pattern no longer
    gives (a shortened day, a row deleted), whether open or booked."""
    hours = lock_opening_hours()
    coming = Slot.objects.filter(starts_at__gt=timezone.now(), is_open=True)
    candidates = [
        slot
        for slot in coming.filter(kind__in={kind for kind, _ in days})
        if (slot.kind, timezone.localtime(slot.starts_at).weekday()) in days
    ]
    if not candidates:
        return Slot.objects.none()
    first = timezone.localdate()
    last = max(timezone.localtime(slot.starts_at).date() for slot in candidates)
    given = {
        (s.kind, s.starts_at, s.ends_at)
        for s in _slots_wanted(hours=hours, first=first, days=(last - first).days + 1)
    }
    return Slot.objects.filter(
        pk__in=[s.pk for s in candidates if (s.kind, s.starts_at, s.ends_at) not in given]
    )


@dataclass
class HoursOutcome(ClosureOutcome):
    """What a change of the weekly pattern did: the slots it created, and those it took away
    (see ClosureOutcome)."""

    created: int = 0


@transaction.atomic
def opening_hours_save(*, hours: OpeningHours) -> HoursOutcome:
    """Save a row of the weekly pattern, create the slots it now gives, and take away the
    coming slots of its day that it no longer gives (booked ones closed and listed, as for a
    closure). Slots that still fit keep their capacity and bookings."""
    hours.full_clean()
    before = OpeningHours.objects.filter(pk=hours.pk).values_list("kind", "weekday").first()
    hours.save()
    created = slots_generate()
    days = {(hours.kind, hours.weekday)} | ({before} if before else set())
    outcome = _slots_close(_slots_outside_pattern(days=days))
    return HoursOutcome(removed=outcome.removed, booked=outcome.booked, created=created)


@transaction.atomic
def opening_hours_delete(*, rows: list[OpeningHours]) -> ClosureOutcome:
    """Delete rows of the weekly pattern and take away the coming slots they gave."""
    days = {(row.kind, row.weekday) for row in rows}
    OpeningHours.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return _slots_close(_slots_outside_pattern(days=days))


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
