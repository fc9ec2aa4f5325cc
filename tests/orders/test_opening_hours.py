"""Slots made from the weekly opening hours, closures, and the booking cut-off."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from accounts.services import user_role_assign
from orders.errors import SlotUnavailable
from orders.models import Closure, OpeningHours, Order, Slot
from orders.services.hours import (
    closure_apply,
    closure_save,
    opening_hours_delete,
    opening_hours_save,
    slots_generate,
)
from orders.services.slots import slot_reserve
from orders.services.transitions import order_transition
from tests.concurrency import run_concurrently
from tests.factories import (
    CartFactory,
    CartLineFactory,
    ProductFactory,
    SlotFactory,
    UserFactory,
    place_order,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
MONDAY = date(2027, 3, 22)  # the week of the last Sunday of March 2027 (clocks go forward)


def _hours(kind="pickup", weekday=0, start=9, end=12, minutes=60, capacity=3):
    return OpeningHours.objects.create(
        kind=kind,
        weekday=weekday,
        start=time(start),
        end=time(end),
        slot_minutes=minutes,
        capacity=capacity,
    )


def _local_starts(**filters):
    return [
        timezone.localtime(s.starts_at, LONDON).strftime("%a %d %H:%M")
        for s in Slot.objects.filter(**filters).order_by("starts_at")
    ]


def test_the_weekly_pattern_gives_slots_and_a_second_run_creates_nothing():
    _hours(kind="pickup", weekday=0, start=9, end=12, minutes=60, capacity=3)
    _hours(kind="delivery", weekday=2, start=10, end=14, minutes=120, capacity=2)

    created = slots_generate(days=14, today=MONDAY)
    again = slots_generate(days=14, today=MONDAY)

    assert (created, again) == (10, 0)
    assert Slot.objects.count() == 10
    assert _local_starts(kind="pickup") == [
        "Mon 22 09:00",
        "Mon 22 10:00",
        "Mon 22 11:00",
        "Mon 29 09:00",
        "Mon 29 10:00",
        "Mon 29 11:00",
    ]
    delivery = Slot.objects.filter(kind="delivery").order_by("starts_at").first()
    assert (delivery.capacity, delivery.ends_at - delivery.starts_at) == (2, timedelta(hours=2))


@override_settings(SLOT_HORIZON_DAYS=3)
def test_the_horizon_defaults_to_slot_horizon_days_from_today():
    for weekday in range(7):
        _hours(weekday=weekday, start=22, end=23)
    slots_generate()
    today = timezone.localdate()
    days = {timezone.localtime(s.starts_at).date() for s in Slot.objects.all()}
    # Today's 22:00 slot is made only while 22:00 is still to come.
    assert days - {today} == {today + timedelta(days=1), today + timedelta(days=2)}


@override_settings(TIME_ZONE="Europe/London")
def test_slots_keep_their_wall_clock_times_when_the_clocks_go_forward():
    for weekday in (5, 6):  # Saturday 27 and Sunday 28 March 2027
        _hours(weekday=weekday, start=0, end=4, minutes=60)
        _hours(weekday=weekday, start=9, end=10, minutes=60)

    slots_generate(days=7, today=MONDAY)

    # 01:00 does not exist on the Sunday (01:00 GMT becomes 02:00 BST): no slot then.
    assert _local_starts() == [
        "Sat 27 00:00",
        "Sat 27 01:00",
        "Sat 27 02:00",
        "Sat 27 03:00",
        "Sat 27 09:00",
        "Sun 28 00:00",
        "Sun 28 02:00",
        "Sun 28 03:00",
        "Sun 28 09:00",
    ]
    utc = {s.starts_at.astimezone(ZoneInfo("UTC")).strftime("%d %H:%M") for s in Slot.objects.all()}
    assert {"27 09:00", "28 08:00"} <= utc  # 09:00 GMT on Saturday, 09:00 BST on Sunday
    sunday_nine = Slot.objects.get(starts_at=datetime(2027, 3, 28, 8, tzinfo=ZoneInfo("UTC")))
    assert sunday_nine.ends_at - sunday_nine.starts_at == timedelta(hours=1)
    # The Sunday's 00:00 slot ends when the clocks jump from 01:00 to 02:00.
    midnight = Slot.objects.get(starts_at=datetime(2027, 3, 28, 0, tzinfo=ZoneInfo("UTC")))
    assert timezone.localtime(midnight.ends_at, LONDON).strftime("%H:%M") == "02:00"


@override_settings(TIME_ZONE="Europe/London")
def test_slots_keep_their_wall_clock_times_when_the_clocks_go_back():
    for weekday in (5, 6):  # Saturday 30 and Sunday 31 October 2027
        _hours(weekday=weekday, start=9, end=11, minutes=60)

    slots_generate(days=7, today=date(2027, 10, 25))

    assert _local_starts() == [
        "Sat 30 09:00",
        "Sat 30 10:00",
        "Sun 31 09:00",
        "Sun 31 10:00",
    ]
    utc = [s.starts_at.astimezone(ZoneInfo("UTC")).hour for s in Slot.objects.order_by("starts_at")]
    assert utc == [8, 9, 9, 10]


def test_a_changed_pattern_leaves_existing_slots_and_their_bookings_alone():
    row = _hours(kind="pickup", weekday=0, start=9, end=12, minutes=60, capacity=3)
    slots_generate(days=7, today=MONDAY)
    booked = Slot.objects.get(starts_at=datetime(2027, 3, 22, 10, tzinfo=LONDON))
    slot_reserve(slot=booked)

    row.slot_minutes, row.capacity = 90, 8
    row.save()
    created = slots_generate(days=7, today=MONDAY)

    booked.refresh_from_db()
    assert (booked.capacity, booked.reserved, booked.ends_at - booked.starts_at) == (
        3,
        1,
        timedelta(hours=1),
    )
    assert created == 1  # 10:30; the 09:00 slot exists already and keeps its hour and capacity
    assert _local_starts() == ["Mon 22 09:00", "Mon 22 10:00", "Mon 22 10:30", "Mon 22 11:00"]


def test_closed_days_get_no_slots():
    for weekday in range(7):
        _hours(weekday=weekday)
    Closure.objects.create(start_date=date(2027, 3, 23), end_date=date(2027, 3, 24), reason="Oven")

    slots_generate(days=4, today=MONDAY)

    assert sorted({s[:6] for s in _local_starts()}) == ["Mon 22", "Thu 25"]


@pytest.fixture
def closed_tuesday():
    """Tuesday's pickup slots: one booked, one with a cancelled order only, two open; and
    Wednesday's. The closure (Tuesday) is saved but not applied yet."""
    tuesday = timezone.localdate() + timedelta(days=2)
    _hours(kind="pickup", weekday=tuesday.weekday(), start=9, end=13, minutes=60, capacity=2)
    _hours(kind="pickup", weekday=(tuesday.weekday() + 1) % 7, start=9, end=10, capacity=2)
    slots_generate(days=4)
    on_tuesday = list(Slot.objects.filter(starts_at__date=tuesday).order_by("starts_at"))
    booked = place_order(slot=on_tuesday[0])
    cancelled = place_order(slot=on_tuesday[1])
    order_transition(order=cancelled, to=Order.Status.CANCELLED, by=cancelled.user)
    closure = Closure.objects.create(start_date=tuesday, end_date=tuesday, reason="Staff day")
    return closure, on_tuesday, booked


def test_a_closure_removes_the_open_slots_and_lists_the_booked_ones(closed_tuesday):
    closure, on_tuesday, booked = closed_tuesday
    wednesday_slots = Slot.objects.exclude(pk__in=[s.pk for s in on_tuesday]).count()

    outcome = closure_apply(closure=closure)

    assert outcome.booked == [on_tuesday[0]]
    assert outcome.booked[0].live_orders == [booked]
    assert outcome.removed == 3
    booked.refresh_from_db()
    assert booked.status == Order.Status.PENDING_PAYMENT  # never cancelled silently
    left = Slot.objects.filter(pk__in=[s.pk for s in on_tuesday]).order_by("starts_at")
    # Both stay, closed: the booked one with its order, the other for its cancelled one.
    assert [(s.pk, s.capacity, s.reserved, s.is_open) for s in left] == [
        (on_tuesday[0].pk, 2, 1, False),
        (on_tuesday[1].pk, 2, 0, False),
    ]
    assert Slot.objects.exclude(pk__in=[s.pk for s in on_tuesday]).count() == wednesday_slots
    assert slots_generate(days=4) == 0  # the closed day stays closed


def test_saving_a_closure_in_admin_lists_the_booked_slots_to_resolve(client, closed_tuesday):
    closure, on_tuesday, _ = closed_tuesday
    closure.delete()
    manager = UserFactory(is_staff=True)
    user_role_assign(user=manager, role="manager")
    client.force_login(manager)

    response = client.post(
        "/admin/orders/closure/add/",
        {
            "start_date": closure.start_date.isoformat(),
            "end_date": closure.end_date.isoformat(),
            "reason": "Staff day",
        },
        follow=True,
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "3 open slot(s) nobody booked were closed." in page
    assert "1 booked slot(s) fall in this closure" in page
    assert str(on_tuesday[0]) in page
    assert Order.objects.get(slot=on_tuesday[0], status="pending_payment").number in page
    assert Closure.objects.get().reason == "Staff day"
    assert Slot.objects.filter(starts_at__date=closure.start_date, is_open=True).count() == 0


def test_deleting_a_closure_in_admin_brings_its_slots_back(client, closed_tuesday):
    closure, _, _ = closed_tuesday
    closure_save(closure=closure)
    manager = UserFactory(is_staff=True)
    user_role_assign(user=manager, role="manager")
    client.force_login(manager)

    response = client.post(
        f"/admin/orders/closure/{closure.pk}/delete/", {"post": "yes"}, follow=True
    )

    assert "Reopened: 2 slot(s) created again" in response.content.decode()
    assert Slot.objects.filter(starts_at__date=closure.start_date).count() == 4
    # The booked slot, and the one kept for its history, take orders again.
    assert Slot.objects.filter(starts_at__date=closure.start_date, is_open=True).count() == 4


def test_a_closure_ending_before_it_starts_is_refused_in_admin(client):
    manager = UserFactory(is_staff=True)
    user_role_assign(user=manager, role="manager")
    client.force_login(manager)
    response = client.post(
        "/admin/orders/closure/add/",
        {"start_date": "2027-03-24", "end_date": "2027-03-23", "reason": "Oops"},
    )
    assert response.status_code == 200
    assert "cannot be before the first" in response.content.decode()
    assert not Closure.objects.exists()


def test_saving_opening_hours_in_admin_creates_their_slots(client):
    manager = UserFactory(is_staff=True)
    user_role_assign(user=manager, role="manager")
    client.force_login(manager)
    tomorrow = timezone.localdate() + timedelta(days=1)
    form = {
        "kind": "pickup",
        "weekday": tomorrow.weekday(),
        "start": "09:00",
        "end": "11:00",
        "slot_minutes": 60,
        "capacity": 4,
    }

    response = client.post("/admin/orders/openinghours/add/", form, follow=True)

    # Tomorrow's weekday comes twice in the SLOT_HORIZON_DAYS (14) days ahead.
    assert "4 new slot(s) created from the opening hours" in response.content.decode()
    assert Slot.objects.filter(starts_at__date=tomorrow, kind="pickup", capacity=4).count() == 2
    bad = client.post("/admin/orders/openinghours/add/", {**form, "slot_minutes": 180})
    assert "Not even one slot fits" in bad.content.decode()
    assert OpeningHours.objects.count() == 1


def test_staff_cannot_edit_opening_hours_or_closures(client):
    staff = UserFactory(is_staff=True)
    user_role_assign(user=staff, role="staff")
    client.force_login(staff)
    assert client.get("/admin/orders/openinghours/add/").status_code == 403
    assert client.get("/admin/orders/closure/add/").status_code == 403


def test_the_command_and_the_daily_task_create_slots(capsys):
    from orders.tasks import generate_slots

    for weekday in range(7):
        _hours(weekday=weekday, start=20, end=22)
    call_command("slots_generate", days=3)

    assert "slot(s) for the next 3 days" in capsys.readouterr().out
    days = {timezone.localtime(s.starts_at).date() for s in Slot.objects.all()}
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert {tomorrow, tomorrow + timedelta(days=1)} <= days
    assert tomorrow + timedelta(days=2) not in days
    count = Slot.objects.count()
    assert generate_slots.delay().get() == Slot.objects.count() - count > 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_generators_at_once_create_each_slot_once():
    for weekday in range(7):
        _hours(kind="pickup", weekday=weekday, start=8, end=18, minutes=30)
        _hours(kind="delivery", weekday=weekday, start=10, end=20, minutes=60)

    results = run_concurrently(lambda _: slots_generate(days=14, today=MONDAY), times=4)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert Slot.objects.count() == 14 * (20 + 10)
    assert sum(results) == 14 * 30


def test_checkout_closes_at_the_cut_off_minute():
    now = timezone.now()
    closes_now = SlotFactory(kind="pickup", starts_at=now + timedelta(minutes=60))
    just_open = SlotFactory(kind="pickup", starts_at=now + timedelta(minutes=61))

    with pytest.raises(SlotUnavailable, match="orders close 60 minutes before a slot starts"):
        place_order(slot=closes_now)
    assert place_order(slot=just_open).slot_id == just_open.pk
    closes_now.refresh_from_db()
    assert closes_now.reserved == 0


@override_settings(SLOT_CUTOFF_MINUTES=15)
def test_the_cut_off_follows_its_setting():
    slot = SlotFactory(kind="pickup", starts_at=timezone.now() + timedelta(minutes=20))
    assert place_order(slot=slot).slot_id == slot.pk


def _checkout(client, user, slot):
    place = ProductFactory(stock=5)
    CartLineFactory(cart=CartFactory(user=user), product=place, quantity=1)
    client.force_login(user)
    return client.post(
        "/api/v1/orders/",
        {"slot": slot.pk, "address": None},
        content_type="application/json",
        headers={"Idempotency-Key": "closed-day"},
    )


def test_a_booked_slot_in_a_closure_takes_no_new_order_anywhere(client, closed_tuesday):
    closure, on_tuesday, _ = closed_tuesday
    closure_save(closure=closure)
    slot = on_tuesday[0]
    customer = UserFactory()
    client.force_login(customer)

    offered = client.get("/api/v1/slots/", {"date": closure.start_date.isoformat()}).json()
    page = client.get(
        "/checkout/", {"kind": "pickup", "day": closure.start_date.isoformat()}
    ).content.decode()
    refused = _checkout(client, customer, slot)

    assert offered["results"] == []
    assert f'value="{slot.pk}"' not in page
    assert refused.status_code == 400, refused.content
    assert "the shop is closed then" in refused.json()["detail"]
    assert Order.objects.filter(slot=slot).count() == 1
    slot.refresh_from_db()
    assert slot.reserved == 1


def test_the_board_marks_a_closed_slot_whose_orders_staff_must_resolve(client, closed_tuesday):
    closure, _, booked = closed_tuesday
    order_transition(order=booked, to=Order.Status.PAID, by=None)
    closure_save(closure=closure)
    staff = UserFactory(is_staff=True)
    user_role_assign(user=staff, role="staff")
    client.force_login(staff)

    page = client.get("/staff/board/", {"date": closure.start_date.isoformat()}).content.decode()

    assert booked.number in page
    assert "this slot takes no more orders" in page


def _sunday_hours(start, end):
    sunday = timezone.localdate() + timedelta(days=(6 - timezone.localdate().weekday()) or 7)
    return sunday, _hours(kind="pickup", weekday=6, start=start, end=end, minutes=60, capacity=3)


def test_shortened_opening_hours_stop_the_slots_outside_them(client):
    sunday, hours = _sunday_hours(8, 13)
    slots_generate(days=8)
    noon = Slot.objects.get(starts_at=datetime.combine(sunday, time(12), tzinfo=LONDON))
    eleven = Slot.objects.get(starts_at=datetime.combine(sunday, time(11), tzinfo=LONDON))
    booked = place_order(slot=noon)
    manager = UserFactory(is_staff=True)
    user_role_assign(user=manager, role="manager")
    client.force_login(manager)

    response = client.post(
        f"/admin/orders/openinghours/{hours.pk}/change/",
        {
            "kind": "pickup",
            "weekday": 6,
            "start": "08:00",
            "end": "12:00",
            "slot_minutes": 60,
            "capacity": 3,
        },
        follow=True,
    )

    page = response.content.decode()
    assert "1 booked slot(s) fall outside the opening hours" in page
    assert booked.number in page
    noon.refresh_from_db()
    eleven.refresh_from_db()
    assert (noon.is_open, noon.reserved, eleven.is_open) == (False, 1, True)
    offered = client.get("/api/v1/slots/", {"date": sunday.isoformat()}).json()["results"]
    assert [s["id"] for s in offered] == list(
        Slot.objects.filter(starts_at__date=sunday, is_open=True).values_list("pk", flat=True)
    )
    assert noon.pk not in [s["id"] for s in offered]
    with pytest.raises(SlotUnavailable, match="the shop is closed then"):
        place_order(slot=noon)

    # Widened again, the pattern gives the slot back, with its booking.
    hours.end = time(13)
    opening_hours_save(hours=hours)
    noon.refresh_from_db()
    assert noon.is_open and noon.reserved == 1


def test_deleting_a_row_of_opening_hours_stops_its_slots_and_removes_the_free_ones():
    sunday, hours = _sunday_hours(8, 10)
    slots_generate(days=8)
    first = Slot.objects.get(starts_at=datetime.combine(sunday, time(8), tzinfo=LONDON))
    booked = place_order(slot=first)

    outcome = opening_hours_delete(rows=[hours])

    assert [slot.pk for slot in outcome.booked] == [first.pk]
    assert outcome.booked[0].live_orders == [booked]
    assert list(Slot.objects.filter(starts_at__date=sunday).values_list("pk", "is_open")) == [
        (first.pk, False)
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_closure_racing_checkouts_leaves_no_unlisted_order_in_its_slot():
    day = timezone.localdate() + timedelta(days=2)
    slot = SlotFactory(
        kind="pickup", starts_at=datetime.combine(day, time(10), tzinfo=LONDON), capacity=10
    )
    first = place_order(slot=slot)  # booked, so the closure keeps the slot
    buyers = [(UserFactory(), ProductFactory(stock=5)) for _ in range(4)]

    def act(index):
        if index == 0:
            return closure_save(closure=Closure(start_date=day, end_date=day, reason="Oven"))
        user, product = buyers[index - 1]
        return place_order(user=user, products=[product], slot=slot)

    outcome, *checkouts = run_concurrently(act, times=5)

    placed = {r.number for r in checkouts if isinstance(r, Order)}
    refused = [r for r in checkouts if isinstance(r, SlotUnavailable)]
    assert len(placed) + len(refused) == 4, checkouts
    listed = {order.number for order in outcome.booked[0].live_orders}
    assert listed == placed | {first.number}  # every order in the closed slot is listed
    slot.refresh_from_db()
    assert not slot.is_open
    assert slot.reserved == Order.objects.filter(slot=slot).count() == len(listed)
