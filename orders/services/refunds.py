"""Refunds: what is left to give back, a refund to make (whole or in part), and the end of a
fully refunded order.

Lock order, as in payments: the order first, then its payments. Every refund row is written
under both locks, so two refunds at the same moment never give back more than was paid.
A refund is recorded in the transaction that decided it and made through the provider
after commit (orders.services.payments.refund_run).
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from uuid import uuid4

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from config.celery import task_queue
from orders.errors import RefundInvalid, RefundNotAllowed
from orders.models import Order, OrderLine, Payment, Refund
from orders.models.orders import order_door
from orders.policy import Action, order_allows
from orders.services.invoices import credit_note_issue
from orders.services.locks import lock_order, lock_payments
from orders.services.transitions import order_transition
from orders.signals import payment_refunded
from orders.states import TRANSITIONS

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
# A refund that gave up gave nothing back: it no longer counts against what is left.
COUNTING = [Refund.Status.PENDING, Refund.Status.FAILED, Refund.Status.SUCCEEDED]
# Where a fully refunded order ends: cancelled while it still can be (stock, slot place and
# coupon use go back), refunded once it was completed.
ENDS = [Order.Status.CANCELLED, Order.Status.REFUNDED]


def payment_refunded_total(*, payment: Payment) -> Decimal:
    """What the payment's refunds give back (made, or still to make)."""
    total = Refund.objects.filter(payment=payment, status__in=COUNTING).aggregate(s=Sum("amount"))
    return total["s"] or ZERO


def payment_refundable(*, payment: Payment) -> Decimal:
    return max(payment.amount - payment_refunded_total(payment=payment), ZERO)


def _refund_key(payment: Payment) -> str:
    return f"orderly-refund-{payment.pk}-{uuid4().hex[:16]}"


def refund_request(
    *,
    payment: Payment,
    reason: str,
    amount: Decimal | None = None,
    lines: Iterable[dict] = (),
    of_sale: bool = True,
) -> Refund | None:
    """Record a refund of `amount` (by default all that is left of the payment); it is made
    after commit. None when there is nothing to give back (a 0.00 payment, or one already
    refunded), so asking twice never refunds twice.

    Call it inside the transaction that decided the refund, with the payment locked.
    `of_sale` adds the amount to the order's `refunded` (what sales figures subtract); it
    is off for a payment that never paid the order (late, twice, or of the wrong amount).
    """
    amount = payment_refundable(payment=payment) if amount is None else amount
    if amount <= ZERO:
        return None
    refund = Refund.objects.create(
        payment=payment,
        amount=amount,
        reason=reason[:200],
        lines=list(lines),
        of_sale=of_sale,
        key=_refund_key(payment),
        next_attempt_at=timezone.now(),
    )
    credit_note_issue(refund=refund)
    if of_sale:
        with order_door():
            Order.objects.filter(pk=payment.order_id).update(refunded=F("refunded") + amount)
    # robust: a broker that is down leaves the refund due, and retry_due_refunds makes it.
    transaction.on_commit(lambda: task_queue("orders.tasks.refund_execute", refund.pk), robust=True)
    return refund


def refund_record_made(*, payment: Payment, amount: Decimal, reference: str, reason: str) -> Refund:
    """Record a refund the provider already made (in its own dashboard); the customer is
    told, and an order refunded in full ends. The order and payment are locked by the caller."""
    now = timezone.now()
    of_sale = payment.status != Payment.Status.MISMATCH
    refund = Refund.objects.create(
        payment=payment,
        amount=amount,
        reason=reason[:200],
        of_sale=of_sale,
        key=_refund_key(payment),
        status=Refund.Status.SUCCEEDED,
        reference=reference[:255],
        refunded_at=now,
    )
    credit_note_issue(refund=refund)
    if of_sale:
        with order_door():
            Order.objects.filter(pk=payment.order_id).update(refunded=F("refunded") + amount)
    if payment_refundable(payment=payment) == ZERO:
        Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.REFUNDED, updated_at=now)
    order = Order.objects.get(pk=payment.order_id)
    payment_refunded.send(sender=Refund, order=order, payment=payment, amount=amount, refund=refund)
    order_end_if_refunded(order=order, note="Refunded in full through the payment provider.")
    return refund


def order_end_if_refunded(*, order: Order, note: str) -> Order:
    """A paid order whose money all went back ends (it leaves the board and every sales
    figure): cancelled while it can be, refunded once completed."""
    if order.paid_at is None or order.total <= ZERO or order.refunded < order.total:
        return order
    for to in ENDS:
        if to in TRANSITIONS[order.status]:
            return order_transition(order=order, to=to, by=None, note=note)
    return order


def _lines_refund(*, order: Order, lines: Mapping[int, int]) -> tuple[Decimal, list[dict]]:
    """The amount of the chosen lines (line id -> quantity) and their record; a line's last
    unit gives back what is left of its gross, so a line never gives back more than it cost."""
    order_lines = {line.pk: line for line in OrderLine.objects.filter(order=order)}
    done_quantity: Counter = Counter()
    done_amount: defaultdict = defaultdict(lambda: ZERO)
    earlier = Refund.objects.filter(payment__order=order, status__in=COUNTING)
    for items in earlier.values_list("lines", flat=True):
        for item in items:
            done_quantity[item["line"]] += item["quantity"]
            done_amount[item["line"]] += Decimal(item["amount"])
    amount, record = ZERO, []
    for line_id, quantity in lines.items():
        line = order_lines.get(line_id)
        if line is None:
            raise RefundInvalid(
                _("Order %(number)s has no line %(line)s.")
                % {"number": order.number, "line": line_id},
                field="lines",
            )
        left = line.quantity - done_quantity[line_id]
        if not 1 <= quantity <= left:
            raise RefundInvalid(
                _("%(product)s: between 1 and %(left)s can be refunded.")
                % {"product": line.product_name, "left": left}
                if left
                else _("%(product)s is already refunded.") % {"product": line.product_name},
                field="lines",
            )
        if quantity == left:
            part = line.gross - done_amount[line_id]
        else:
            part = (line.gross * quantity / line.quantity).quantize(CENT, rounding=ROUND_HALF_UP)
        amount += part
        record.append(
            {"line": line_id, "name": line.product_name, "quantity": quantity, "amount": str(part)}
        )
    return amount, record


def _payments_left(*, order: Order, lock: bool) -> tuple[list[Payment], dict[int, Decimal]]:
    payments = list(
        lock_payments(order=order, status=Payment.Status.SUCCEEDED)
        if lock
        else Payment.objects.filter(order=order, status=Payment.Status.SUCCEEDED).order_by("pk")
    )
    return payments, {payment.pk: payment_refundable(payment=payment) for payment in payments}


def _refund_amount(
    *, order: Order, left: Decimal, amount: Decimal | None, lines: Mapping[int, int] | None
) -> tuple[Decimal, list[dict]]:
    if left <= ZERO:
        raise RefundNotAllowed(
            _("Order %(number)s has no payment to refund.") % {"number": order.number}
        )
    record: list[dict] = []
    field = "amount"
    if lines:
        amount, record = _lines_refund(order=order, lines=lines)
        field = "lines"
    elif amount is None:
        amount = left
    if amount <= ZERO or amount > left:
        raise RefundInvalid(
            _(
                "Refund between 0.01 and %(left)s: that is what is left of order "
                "%(number)s's payment."
            )
            % {"left": left, "number": order.number},
            field=field,
        )
    return amount, record


def refund_preview(
    *, order: Order, amount: Decimal | None = None, lines: Mapping[int, int] | None = None
) -> tuple[Decimal, list[dict]]:
    """What order_refund would give back now, and for which lines (for a confirmation
    page); raises as it would. Writes nothing."""
    _payments, left = _payments_left(order=order, lock=False)
    return _refund_amount(order=order, left=sum(left.values(), ZERO), amount=amount, lines=lines)


@transaction.atomic
def order_refund(
    *,
    order: Order,
    by: User,
    amount: Decimal | None = None,
    lines: Mapping[int, int] | None = None,
    reason: str = "",
) -> list[Refund]:
    """A manager refunds chosen lines (line id -> quantity), an amount, or (neither given)
    everything that is left. A refund of everything left ends the order.

    Raises what orders.policy says for anyone but managers (RefundNotAllowed, 409),
    RefundNotAllowed when nothing is left to refund, RefundInvalid (400, naming `amount` or
    `lines`) for more than is left.
    """
    locked = lock_order(order_id=order.pk)
    order_allows(order=locked, user=by, action=Action.REFUND)
    payments, left = _payments_left(order=locked, lock=True)
    amount, record = _refund_amount(
        order=locked, left=sum(left.values(), ZERO), amount=amount, lines=lines
    )
    reason = reason or f"Refunded by {by.email}."
    refunds, remaining = [], amount
    for payment in payments:
        take = min(left[payment.pk], remaining)
        refund = refund_request(payment=payment, reason=reason, amount=take, lines=record)
        if refund is not None:
            refunds.append(refund)
            remaining -= take
    locked.refresh_from_db(fields=["refunded"])
    order_end_if_refunded(order=locked, note=f"Refunded in full by {by.email}.")
    return refunds
