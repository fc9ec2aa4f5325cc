"""Invoice and credit-note numbers under load, on PostgreSQL: payments applied from many
threads at once get consecutive numbers, and one that rolls back leaves no gap."""

import time

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from orders.models import CreditNote, Invoice, Order
from orders.payments import ProviderEvent
from orders.services.payments import payment_apply_event
from orders.services.transitions import order_cancel
from tests.concurrency import run_concurrently
from tests.factories import ProductFactory, SlotFactory, UserFactory, place_order
from tests.payment_helpers import start_payment

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PAYMENTS = 20


class RolledBack(Exception):
    pass


def _orders_waiting_for_payment(count: int):
    product = ProductFactory(stock=count * 2)
    slot = SlotFactory(kind="pickup", capacity=count)
    orders = [place_order(user=UserFactory(), products=[product], slot=slot) for _ in range(count)]
    return [(order, start_payment(order)) for order in orders]


def _event(payment, i) -> ProviderEvent:
    return ProviderEvent(
        id=f"evt_race_{i}",
        type="payment.succeeded",
        kind=ProviderEvent.SUCCEEDED,
        reference=payment.reference,
        payment_id=payment.pk,
        amount=payment.amount,
        currency=payment.currency,
        raw={},
    )


def _numbers(model) -> list[int]:
    return sorted(
        int(number.rsplit("-", 1)[1]) for number in model.objects.values_list("number", flat=True)
    )


def test_twenty_payments_applied_at_once_get_twenty_consecutive_invoice_numbers():
    paying = _orders_waiting_for_payment(PAYMENTS)

    results = run_concurrently(
        lambda i: payment_apply_event(provider="sandbox", event=_event(paying[i][1], i)),
        times=PAYMENTS,
    )

    assert results == ["applied"] * PAYMENTS
    assert _numbers(Invoice) == list(range(1, PAYMENTS + 1))
    year = timezone.localdate().year
    assert all(
        n.startswith(f"INV-{year}-") for n in Invoice.objects.values_list("number", flat=True)
    )
    assert Order.objects.filter(status=Order.Status.PAID).count() == PAYMENTS


def test_a_payment_rolled_back_in_the_middle_leaves_no_gap():
    paying = _orders_waiting_for_payment(PAYMENTS)
    failing = PAYMENTS // 2

    def apply(i):
        if i != failing:
            time.sleep(0.01 * i)  # the others arrive while the failing one holds its number
            return payment_apply_event(provider="sandbox", event=_event(paying[i][1], i))
        with transaction.atomic():
            payment_apply_event(provider="sandbox", event=_event(paying[i][1], i))
            time.sleep(0.3)
            raise RolledBack

    results = run_concurrently(apply, times=PAYMENTS)

    assert isinstance(results[failing], RolledBack)
    assert [r for i, r in enumerate(results) if i != failing] == ["applied"] * (PAYMENTS - 1)
    assert _numbers(Invoice) == list(range(1, PAYMENTS))
    assert not Invoice.objects.filter(order=paying[failing][0]).exists()
    assert Order.objects.get(pk=paying[failing][0].pk).status == Order.Status.PENDING_PAYMENT


def test_paid_orders_cancelled_at_once_get_consecutive_credit_note_numbers():
    paying = _orders_waiting_for_payment(8)
    for i, (_, payment) in enumerate(paying):
        payment_apply_event(provider="sandbox", event=_event(payment, i))

    results = run_concurrently(
        lambda i: order_cancel(order=Order.objects.get(pk=paying[i][0].pk), by=paying[i][0].user),
        times=8,
    )

    assert not any(isinstance(r, Exception) for r in results), results
    assert _numbers(CreditNote) == list(range(1, 9))
    assert {note.invoice.order_id for note in CreditNote.objects.select_related("invoice")} == {
        order.pk for order, _ in paying
    }


def test_postgresql_itself_refuses_to_change_or_delete_an_issued_invoice():
    paying = _orders_waiting_for_payment(1)
    payment_apply_event(provider="sandbox", event=_event(paying[0][1], 0))
    order_cancel(order=Order.objects.get(pk=paying[0][0].pk), by=paying[0][0].user)

    for table in ["orders_invoice", "orders_invoiceline", "orders_creditnote"]:
        for sql in [f"UPDATE {table} SET net = 0", f"DELETE FROM {table}"]:
            with (
                pytest.raises(IntegrityError, match="never changes"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql)
    assert Invoice.objects.get().gross == paying[0][0].total
