"""The order state machine: allowed and refused moves, who may make them, events, signals."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from orders.errors import CancelNotAllowed, OrderNotFound, TransitionNotAllowed
from orders.models import Order, OrderEvent, Product, Refund, Slot
from orders.services.transitions import (
    TRANSITIONS,
    order_cancel,
    order_cancel_refusal,
    order_transition,
)
from orders.signals import order_changing
from tests.factories import (
    ProductFactory,
    SlotFactory,
    UserFactory,
    fulfilment_staff,
    place_order,
)
from tests.payment_helpers import post_sandbox_webhook, sandbox_body, start_payment

pytestmark = pytest.mark.django_db

S = Order.Status


def _move(order, *path, by=None):
    for to in path:
        order = order_transition(order=order, to=to, by=by)
    return order


@pytest.fixture
def staff():
    return fulfilment_staff()


@pytest.fixture
def signals():
    received = []
    order_changing.connect(lambda **kw: received.append(kw), weak=False, dispatch_uid="t-signals")
    yield received
    order_changing.disconnect(dispatch_uid="t-signals")


def test_a_pickup_order_goes_all_the_way_and_every_move_is_recorded(staff):
    order = place_order(slot=SlotFactory(kind="pickup"))
    order = _move(order, S.PAID)
    order = _move(order, S.PREPARING, S.READY, S.COMPLETED, by=staff)

    assert order.status == S.COMPLETED
    assert order.paid_at is not None
    events = list(order.events.values_list("from_status", "to_status", "actor"))
    assert events == [
        ("", S.PENDING_PAYMENT, order.user_id),
        (S.PENDING_PAYMENT, S.PAID, None),
        (S.PAID, S.PREPARING, staff.pk),
        (S.PREPARING, S.READY, staff.pk),
        (S.READY, S.COMPLETED, staff.pk),
    ]


def test_a_delivery_order_goes_out_for_delivery_and_never_to_ready(staff):
    order = _move(place_order(slot=SlotFactory(kind="delivery")), S.PAID)
    order = _move(order, S.PREPARING, by=staff)
    with pytest.raises(TransitionNotAllowed, match="delivery order cannot be ready"):
        _move(order, S.READY, by=staff)
    assert _move(order, S.OUT_FOR_DELIVERY, S.COMPLETED, by=staff).status == S.COMPLETED


def test_a_pickup_order_is_never_out_for_delivery(staff):
    order = _move(place_order(), S.PAID)
    order = _move(order, S.PREPARING, by=staff)
    with pytest.raises(TransitionNotAllowed):
        _move(order, S.OUT_FOR_DELIVERY, by=staff)


@pytest.mark.parametrize(
    ("path", "to"),
    [
        ([], S.PREPARING),
        ([], S.COMPLETED),
        ([S.PAID], S.PENDING_PAYMENT),
        ([S.PAID], S.EXPIRED),
        ([S.PAID, S.PREPARING], S.PAID),
        ([S.EXPIRED], S.PAID),
        ([S.CANCELLED], S.PENDING_PAYMENT),
    ],
)
def test_moves_outside_the_table_are_refused_and_change_nothing(path, to):
    order = _move(place_order(), *path)
    events = order.events.count()
    with pytest.raises(TransitionNotAllowed):
        order_transition(order=order, to=to, by=None)
    order.refresh_from_db()
    assert order.status == (path[-1] if path else S.PENDING_PAYMENT)
    assert order.events.count() == events


def test_finished_orders_go_nowhere():
    assert TRANSITIONS[S.CANCELLED] == TRANSITIONS[S.EXPIRED] == TRANSITIONS[S.REFUNDED] == set()
    assert TRANSITIONS[S.COMPLETED] == {S.REFUNDED}  # a full refund, made by the system only
    assert set(TRANSITIONS) == set(S.values)


def test_customers_cannot_move_their_order_through_fulfilment():
    order = _move(place_order(), S.PAID)
    with pytest.raises(TransitionNotAllowed, match="Only shop staff"):
        order_transition(order=order, to=S.PREPARING, by=order.user)


def test_only_the_system_marks_an_order_paid(staff):
    order = place_order()
    with pytest.raises(TransitionNotAllowed, match="shop's systems"):
        order_transition(order=order, to=S.PAID, by=staff)


def test_a_stale_order_object_cannot_skip_a_state(staff):
    order = _move(place_order(), S.PAID)
    stale = Order.objects.get(pk=order.pk)
    _move(order, S.CANCELLED, by=staff)
    with pytest.raises(TransitionNotAllowed):
        order_transition(order=stale, to=S.PREPARING, by=staff)
    assert Order.objects.get(pk=order.pk).status == S.CANCELLED


def test_other_apps_hear_each_move_once_inside_its_transaction(staff, signals):
    order = _move(place_order(), S.PAID)
    signals.clear()
    order_transition(order=order, to=S.PREPARING, by=staff, note="On it")
    assert len(signals) == 1
    sent = signals[0]
    assert (sent["order"].pk, sent["from_status"], sent["to_status"], sent["by"]) == (
        order.pk,
        S.PAID,
        S.PREPARING,
        staff,
    )
    assert OrderEvent.objects.filter(order=order, note="On it").exists()


def test_no_signal_for_a_move_that_was_refused(signals):
    order = place_order()
    signals.clear()
    with pytest.raises(TransitionNotAllowed):
        order_transition(order=order, to=S.COMPLETED, by=None)
    assert signals == []


# --- Cancelling ---------------------------------------------------------------


def _stock_and_place(order):
    line = order.lines.get()
    return Product.objects.get(pk=line.product_id).stock, Slot.objects.get(
        pk=order.slot_id
    ).reserved


def test_a_customer_cancels_an_unpaid_order_and_stock_and_place_come_back():
    product = ProductFactory(stock=10)
    order = place_order(products=[product], quantity=3)
    assert _stock_and_place(order) == (7, 1)

    order = order_cancel(order=order, by=order.user, note="Changed my mind")

    assert order.status == S.CANCELLED
    assert _stock_and_place(order) == (10, 0)
    event = order.events.last()
    assert (event.from_status, event.to_status, event.actor, event.note) == (
        S.PENDING_PAYMENT,
        S.CANCELLED,
        order.user,
        "Changed my mind",
    )


def test_a_customer_cancels_a_paid_order_inside_the_window_before_the_slot(staff):
    order = _move(place_order(), S.PAID)
    order = _move(order, S.PREPARING, by=staff)
    assert order_cancel(order=order, by=order.user).status == S.CANCELLED
    assert _stock_and_place(order) == (50, 0)


def test_a_customer_cannot_cancel_a_paid_order_after_the_cancel_window(settings):
    order = _move(place_order(), S.PAID)
    Order.objects.filter(pk=order.pk).update(placed_at=timezone.now() - timedelta(hours=25))
    with pytest.raises(CancelNotAllowed, match="within 24 hours"):
        order_cancel(order=order, by=order.user)
    assert Order.objects.get(pk=order.pk).status == S.PAID
    assert _stock_and_place(order) == (49, 1)


def test_a_customer_cannot_cancel_a_paid_order_once_its_slot_started():
    order = _move(place_order(), S.PAID)
    start = timezone.now() - timedelta(minutes=1)
    Slot.objects.filter(pk=order.slot_id).update(
        starts_at=start, ends_at=start + timedelta(hours=1)
    )
    with pytest.raises(CancelNotAllowed, match="slot has already started"):
        order_cancel(order=order, by=order.user)


def test_a_customer_cannot_cancel_an_order_that_is_ready(staff):
    order = _move(place_order(), S.PAID)
    order = _move(order, S.PREPARING, S.READY, by=staff)
    with pytest.raises(CancelNotAllowed):
        order_cancel(order=order, by=order.user)


def test_a_customer_cannot_cancel_someone_elses_order():
    """A stranger is told the order does not exist, as every door tells them (orders.policy)."""
    order = place_order()
    with pytest.raises(OrderNotFound):
        order_cancel(order=order, by=UserFactory())


def test_staff_cancel_any_order_before_completion_even_after_the_slot_started(staff):
    order = _move(place_order(), S.PAID)
    order = _move(order, S.PREPARING, S.READY, by=staff)
    Order.objects.filter(pk=order.pk).update(placed_at=timezone.now() - timedelta(days=3))
    start = timezone.now() - timedelta(hours=1)
    Slot.objects.filter(pk=order.slot_id).update(
        starts_at=start, ends_at=start + timedelta(hours=2)
    )

    assert order_cancel(order=order, by=staff).status == S.CANCELLED
    assert _stock_and_place(order) == (50, 0)


def test_nobody_cancels_a_completed_order(staff):
    order = _move(place_order(), S.PAID)
    order = _move(order, S.PREPARING, S.READY, S.COMPLETED, by=staff)
    assert order_cancel_refusal(order=order, by=staff)
    with pytest.raises(CancelNotAllowed, match="completed cannot be cancelled"):
        order_cancel(order=order, by=staff)
    assert _stock_and_place(order) == (49, 1)


def test_cancelling_twice_gives_stock_back_once(staff):
    order = place_order()
    order_cancel(order=order, by=staff)
    with pytest.raises(CancelNotAllowed):
        order_cancel(order=order, by=staff)
    assert _stock_and_place(order) == (50, 0)


def test_cancelling_a_paid_order_refunds_it_with_no_receiver_of_any_signal(
    django_capture_on_commit_callbacks,
):
    """The refund is order_transition's own step, not a receiver of the orders app's own
    signal: with every receiver of order_changing gone, the payment is still refunded."""
    order = place_order()
    payment = start_payment(order)
    assert post_sandbox_webhook(Client(), sandbox_body(payment)).status_code == 200
    saved = order_changing.receivers
    order_changing.receivers = []
    order_changing.sender_receivers_cache.clear()
    try:
        order_transition(order=order, to=S.CANCELLED, by=order.user)
    finally:
        order_changing.receivers = saved
        order_changing.sender_receivers_cache.clear()

    refund = Refund.objects.get(payment=payment)
    assert (refund.amount, refund.reason) == (
        order.total,
        "The order was cancelled by the customer.",
    )
