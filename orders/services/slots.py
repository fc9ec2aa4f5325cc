"""Slot places: the booking cut-off, taking and giving back one place, editing slots,
creating them from a template."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.errors import CapacityBelowBookings, SlotFull, SlotUnavailable
from orders.models import Slot
from orders.selectors.slots import slot_bookable_from
from orders.services.counters import counter_guarded_save


def slot_bookable_until(*, slot: Slot) -> datetime:
    """The moment booking `slot` closes."""
    return slot.starts_at - timedelta(minutes=settings.SLOT_CUTOFF_MINUTES)


def slot_ensure_bookable(*, slot: Slot, now: datetime | None = None) -> None:
    """Raise SlotUnavailable, naming the cut-off, when booking `slot` has closed, or naming
    the closure when the shop took the slot away (a closure, shorter opening hours)."""
    if not slot.is_open:
        raise SlotUnavailable(
            _(
                "The %(slot)s slot takes no more orders: the shop is closed then. "
                "Please choose another."
            )
            % {"slot": slot}
        )
    if slot.starts_at <= slot_bookable_from(now=now):
        raise SlotUnavailable(
            _(
                "Booking the %(slot)s slot closed at %(time)s: orders close %(minutes)s minutes "
                "before a slot starts. Please choose another."
            )
            % {
                "slot": slot,
                "time": f"{timezone.localtime(slot_bookable_until(slot=slot)):%H:%M}",
                "minutes": settings.SLOT_CUTOFF_MINUTES,
            }
        )


def slot_reserve(*, slot: Slot) -> None:
    """Take one place in the slot, or raise SlotFull.

    The caller holds the slot's row lock; the conditional UPDATE (and the database check
    constraint behind it) still refuses a place that is not there.
    """
    taken = Slot.objects.filter(pk=slot.pk, reserved__lt=F("capacity")).update(
        reserved=F("reserved") + 1
    )
    if not taken:
        raise SlotFull(
            _("The %(slot)s slot is fully booked: please choose another.") % {"slot": slot}
        )
    slot.reserved += 1


def slot_release(*, slot_id: int) -> None:
    """Give one place back (a cancelled or expired order)."""
    Slot.objects.filter(pk=slot_id, reserved__gt=0).update(reserved=F("reserved") - 1)


SLOT_FIELDS = ["kind", "starts_at", "ends_at", "capacity"]


def slot_capacity_refusal(*, slot_id: int, capacity: int) -> str:
    """Why the slot cannot take this capacity now (its places taken), or "" when it can."""
    taken = Slot.objects.filter(pk=slot_id).values_list("reserved", flat=True).first() or 0
    if capacity < taken:
        return f"The capacity cannot be below the {taken} place(s) already taken in this slot."
    return ""


def _capacity_refusal(slot: Slot) -> CapacityBelowBookings:
    return CapacityBelowBookings(
        slot_capacity_refusal(slot_id=slot.pk, capacity=slot.capacity)
        or "The capacity cannot be below the places already taken in this slot."
    )


def slot_save(*, slot: Slot) -> Slot:
    """Create the slot, or save its editable fields unless the capacity falls below its
    bookings; `reserved` is never written from here."""
    if slot.ends_at <= slot.starts_at:
        raise SlotUnavailable("A slot must end after it starts.", field="ends_at")
    return counter_guarded_save(
        obj=slot,
        fields=SLOT_FIELDS,
        counter="reserved",
        limit="capacity",
        refusal=lambda: _capacity_refusal(slot),
    )


def slots_create_week(*, slots: list[Slot]) -> list[Slot]:
    """Create, for each slot given, the same slot seven days later; skip those that exist.

    Returns the slots created. Running it twice on the same template creates nothing new.
    """
    wanted = [
        Slot(
            kind=slot.kind,
            starts_at=slot.starts_at + timedelta(days=7),
            ends_at=slot.ends_at + timedelta(days=7),
            capacity=slot.capacity,
        )
        for slot in slots
    ]
    existing = set(
        Slot.objects.filter(starts_at__in=[s.starts_at for s in wanted]).values_list(
            "kind", "starts_at"
        )
    )
    new = []
    for slot in wanted:
        if (slot.kind, slot.starts_at) not in existing:
            existing.add((slot.kind, slot.starts_at))
            new.append(slot)
    return Slot.objects.bulk_create(new)
