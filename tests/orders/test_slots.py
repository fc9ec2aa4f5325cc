"""GET /api/v1/slots/, slot places, and creating next week's slots."""

from datetime import datetime, time, timedelta

import pytest
from django.contrib.admin.sites import site
from django.utils import timezone

from orders.models import Slot
from orders.services.slots import slot_release, slot_reserve, slots_create_week
from tests.factories import SlotFactory, UserFactory

pytestmark = pytest.mark.django_db


def _at(days, hour):
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def test_slots_list_future_slots_with_remaining_places_to_anyone(client):
    SlotFactory(starts_at=timezone.now() - timedelta(minutes=1))  # started: not listed
    soon = SlotFactory(kind="pickup", starts_at=_at(1, 9), capacity=5)
    Slot.objects.filter(pk=soon.pk).update(reserved=2)
    full = SlotFactory(kind="delivery", starts_at=_at(1, 10), capacity=1)
    Slot.objects.filter(pk=full.pk).update(reserved=1)

    response = client.get("/api/v1/slots/")

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["id"], r["kind"], r["capacity"], r["remaining"]) for r in rows] == [
        (soon.pk, "pickup", 5, 3),
        (full.pk, "delivery", 1, 0),
    ]


def test_slots_filter_by_kind_and_shop_day(client):
    tomorrow_pickup = SlotFactory(kind="pickup", starts_at=_at(1, 9))
    SlotFactory(kind="delivery", starts_at=_at(1, 12))
    later_pickup = SlotFactory(kind="pickup", starts_at=_at(2, 9))
    # 23:30 in London belongs to that day, whatever UTC says.
    late = SlotFactory(kind="pickup", starts_at=_at(2, 23) + timedelta(minutes=30))

    def ids(query):
        return [r["id"] for r in client.get(f"/api/v1/slots/{query}").json()["results"]]

    assert ids("?kind=pickup") == [tomorrow_pickup.pk, later_pickup.pk, late.pk]
    day = (timezone.localdate() + timedelta(days=2)).isoformat()
    assert ids(f"?kind=pickup&date={day}") == [later_pickup.pk, late.pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?date=2026-13-45", "date"),
        ("?date=9999-12-31", "date"),
        ("?date=", "date"),
        ("?date=tomorrow", "date"),
        ("?kind=drone", "kind"),
    ],
)
def test_bad_slot_filters_are_a_400_naming_the_field(client, query, field):
    response = client.get(f"/api/v1/slots/{query}")
    assert response.status_code == 400
    assert response.json()["field"] == field


def test_a_slot_gives_no_more_places_than_its_capacity():
    from orders.errors import SlotFull

    slot = SlotFactory(capacity=1)
    slot_reserve(slot=slot)
    with pytest.raises(SlotFull):
        slot_reserve(slot=slot)
    slot.refresh_from_db()
    assert slot.reserved == 1
    slot_release(slot_id=slot.pk)
    slot_release(slot_id=slot.pk)
    slot.refresh_from_db()
    assert slot.reserved == 0


def test_a_week_of_slots_is_created_from_a_template_once():
    template = [SlotFactory(kind="pickup", starts_at=_at(1, 9), capacity=7)]
    template.append(SlotFactory(kind="delivery", starts_at=_at(1, 14)))

    created = slots_create_week(slots=template)
    again = slots_create_week(slots=template)

    assert len(created) == 2
    assert again == []
    copy = Slot.objects.get(kind="pickup", starts_at=template[0].starts_at + timedelta(days=7))
    assert (copy.capacity, copy.reserved, copy.ends_at - copy.starts_at) == (
        7,
        0,
        timedelta(hours=2),
    )


def test_admin_action_creates_next_weeks_slots(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    slot = SlotFactory(starts_at=_at(1, 9))
    response = client.post(
        "/admin/orders/slot/",
        {"action": "create_next_week", "_selected_action": [slot.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert b"Created 1 slot(s)" in response.content
    assert Slot.objects.filter(starts_at=slot.starts_at + timedelta(days=7)).exists()
    assert site.is_registered(Slot)


def test_demo_opening_hours_and_their_slots_are_seeded_once():
    from orders.demo import seed_opening_hours
    from orders.models import OpeningHours

    seed_opening_hours()
    counts = (OpeningHours.objects.count(), Slot.objects.count())
    seed_opening_hours()
    assert (OpeningHours.objects.count(), Slot.objects.count()) == counts
    assert counts[0] == 13
    assert set(Slot.objects.values_list("kind", flat=True)) == {"pickup", "delivery"}


def test_slots_past_their_cut_off_are_not_listed_and_say_when_booking_closes(client):
    now = timezone.now()
    SlotFactory(kind="pickup", starts_at=now + timedelta(minutes=59))  # booking closed
    open_slot = SlotFactory(kind="pickup", starts_at=now + timedelta(minutes=65))

    rows = client.get("/api/v1/slots/").json()["results"]

    assert [r["id"] for r in rows] == [open_slot.pk]
    closes = open_slot.starts_at - timedelta(minutes=60)
    assert datetime.fromisoformat(rows[0]["bookable_until"]) == closes


def test_the_slots_list_takes_the_same_queries_however_many_slots(
    client, django_assert_num_queries
):
    for hours in range(3):
        SlotFactory(starts_at=_at(1, 8 + hours))
    client.get("/api/v1/slots/")  # warm anything cached per process
    with django_assert_num_queries(2):  # the count and the page
        assert len(client.get("/api/v1/slots/").json()["results"]) == 3
    for hours in range(3, 12):
        SlotFactory(starts_at=_at(1, 8 + hours))
    with django_assert_num_queries(2):
        assert len(client.get("/api/v1/slots/").json()["results"]) == 12
