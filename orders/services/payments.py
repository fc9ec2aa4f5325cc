"""Payments: start one for an order, apply each provider event once, and refund.

Lock order, as everywhere in orders: the order first, then its payments, then a refund.
A webhook event is recorded first (unique per provider and event id), so a second delivery
of the same event waits for the first to commit and then finds it applied.

Money that cannot be kept (a late payment, a second one, one of the wrong amount or
currency) is refunded automatically; a refund that keeps failing is retried with a
doubling wait, then given up after REFUND_MAX_ATTEMPTS and told to managers.
"""

import logging
from datetime import datetime, timedelta
from uuid import uuid4

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from config.celery import task_queue
from config.errors import ApplicationError
from orders.errors import PaymentNotAllowed, PaymentProviderUnavailable
from orders.models import Order, Payment, PaymentEvent, Refund
from orders.models.orders import order_door
from orders.payments import ProviderEvent, provider_get, provider_of
from orders.payments.sandbox import SIGNATURE_HEADER as SANDBOX_SIGNATURE_HEADER
from orders.payments.sandbox import sandbox_event_body, sandbox_sign
from orders.policy import Action, Actor, order_allows, order_customer_is
from orders.services.invoices import invoice_issue
from orders.services.locks import lock_order, lock_payment, lock_payments, lock_refund_if_free
from orders.services.refunds import (
    payment_refundable,
    payment_refunded_total,
    refund_record_made,
    refund_request,
)
from orders.services.transitions import order_transition
from orders.signals import payment_problem, payment_refunded

logger = logging.getLogger(__name__)

REFUND_FIRST_RETRY = timedelta(minutes=1)
REFUND_LONGEST_WAIT = timedelta(hours=6)
Outcome = PaymentEvent.Outcome


def payment_start(*, order: Order, by: Actor, return_url: str) -> str:
    """Open a payment for the customer's own order; return where to send them to pay.

    Only an order waiting for payment can be paid. One left unpaid past
    ORDER_PAYMENT_TIMEOUT is expired here instead (its stock and slot go back). The
    provider is called outside the order's lock, so a slow provider holds up nobody.
    A replay (a double click, a retried request) is sent to the payment already started
    instead of starting another; an order with nothing to pay is paid here.
    """
    overdue = free = False
    with transaction.atomic():
        locked = lock_order(order_id=order.pk)
        order_allows(order=locked, user=by, action=Action.PAY)
        overdue = timezone.now() >= locked.placed_at + settings.ORDER_PAYMENT_TIMEOUT
        if overdue:
            locked = order_transition(
                order=locked, to=Order.Status.EXPIRED, by=None, note="Not paid in time."
            )
        elif locked.total <= 0:
            free = True
            locked = order_paid_if_free(order=locked)
        else:
            provider = provider_get()
            payment = _payment_open(order=locked, provider=provider.name)
    if free:
        return locked.get_absolute_url()
    if overdue:
        raise PaymentNotAllowed(
            _(
                "Order %(number)s was not paid in time and has expired: its items went back "
                "on the shelf."
            )
            % {"number": locked.number}
        )
    if payment.redirect_url:
        return payment.redirect_url
    reference, redirect_url = provider.start(payment=payment, return_url=return_url)
    started = Payment.objects.filter(pk=payment.pk, reference="").update(
        reference=reference, redirect_url=redirect_url
    )
    if not started:  # a replay running at the same moment started it first: go there
        return Payment.objects.values_list("redirect_url", flat=True).get(pk=payment.pk)
    return redirect_url


def _payment_open(*, order: Order, provider: str) -> Payment:
    """The order's payment still waiting with this provider for its total, or a new one."""
    waiting = Payment.objects.filter(
        order=order,
        provider=provider,
        status=Payment.Status.PENDING,
        amount=order.total,
        currency=order.currency,
    )
    return waiting.order_by("-pk").first() or Payment.objects.create(
        order=order, provider=provider, amount=order.total, currency=order.currency
    )


def order_paid_if_free(*, order: Order) -> Order:
    """An order with nothing to pay (a 100% coupon) is paid as it is placed: no payment, no
    provider, an OrderEvent that says so; cancelling it later refunds nothing."""
    if order.total > 0 or order.status != Order.Status.PENDING_PAYMENT:
        return order
    return order_transition(
        order=order, to=Order.Status.PAID, by=None, note="Nothing to pay: paid at checkout."
    )


def payment_webhook_receive(*, provider: str, body: bytes, headers) -> list[str]:
    """Verify and apply a provider's webhook; return each event's outcome.

    Raises PaymentProviderUnknown (404) for a provider not in use, WebhookInvalid (400) for
    a bad signature, a stale timestamp or a malformed body; then nothing is applied.
    """
    events = provider_get(provider).parse_webhook(body=body, headers=headers)
    return [payment_apply_event(provider=provider, event=event) for event in events]


@transaction.atomic
def payment_apply_event(*, provider: str, event: ProviderEvent) -> str:
    """Apply one provider event, once. Returns its outcome, or "duplicate"."""
    try:
        with transaction.atomic():
            record = PaymentEvent.objects.create(
                provider=provider,
                event_id=event.id,
                type=event.type[:100],
                outcome=Outcome.IGNORED,
                payload=event.raw,
            )
    except IntegrityError:
        return "duplicate"
    if event.kind == ProviderEvent.IGNORED:
        return record.outcome

    payment = _payment_find(provider=provider, event=event)
    if payment is None:
        logger.warning("Payment event %s %s names no payment of ours", provider, event.id)
        record.outcome = Outcome.UNKNOWN_PAYMENT
        record.save(update_fields=["outcome"])
        return record.outcome

    order = lock_order(order_id=payment.order_id)
    payment = lock_payment(payment_id=payment.pk)
    record.payment = payment
    record.outcome = _apply(order=order, payment=payment, event=event)
    record.save(update_fields=["payment", "outcome"])
    return record.outcome


def _payment_find(*, provider: str, event: ProviderEvent) -> Payment | None:
    payments = Payment.objects.filter(provider=provider)
    if event.reference:
        found = payments.filter(reference=event.reference).first()
        if found is not None:
            return found
    if event.payment_id is not None:
        return payments.filter(pk=event.payment_id).first()
    if event.intent:  # a charge names the payment intent its Checkout Session paid with
        return payments.filter(raw_event__data__object__payment_intent=event.intent).first()
    return None


def _apply(*, order: Order, payment: Payment, event: ProviderEvent) -> str:
    fields = ["status", "raw_event", "updated_at"]
    if not payment.reference and event.reference:
        payment.reference = event.reference
        fields.append("reference")
    if event.kind == ProviderEvent.REFUNDED:
        return _apply_refunded(payment=payment, event=event)
    if event.kind == ProviderEvent.FAILED:
        if payment.status != Payment.Status.PENDING:
            return Outcome.IGNORED
        payment.status = Payment.Status.FAILED
        payment.raw_event = event.raw
        payment.save(update_fields=fields)
        return Outcome.FAILED

    if payment.status not in {Payment.Status.PENDING, Payment.Status.FAILED}:
        return Outcome.IGNORED
    payment.raw_event = event.raw
    if event.amount != order.total or event.currency != order.currency:
        logger.warning(
            "Payment %s for %s: %s %s received, %s %s due; not applied",
            payment.pk,
            order.number,
            event.amount,
            event.currency,
            order.total,
            order.currency,
        )
        payment.status = Payment.Status.MISMATCH
        payment.save(update_fields=fields)
        _mismatch_refund(order=order, payment=payment, event=event)
        return Outcome.MISMATCH

    payment.status = Payment.Status.SUCCEEDED
    payment.save(update_fields=fields)
    if order.status == Order.Status.PENDING_PAYMENT:
        order_transition(
            order=order,
            to=Order.Status.PAID,
            by=None,
            note=f"Paid through {payment.provider} ({payment.reference}).",
        )
        invoice_issue(order=order, payment=payment)
        return Outcome.APPLIED
    refund_request(
        payment=payment,
        reason=f"Paid when the order was already {order.get_status_display().lower()}.",
        of_sale=False,
    )
    return Outcome.REFUNDED


def _mismatch_refund(*, order: Order, payment: Payment, event: ProviderEvent) -> None:
    """Money of the wrong amount or currency is given back as it came, and managers hear."""
    received = f"{event.amount} {event.currency}"
    refund_request(
        payment=payment,
        amount=event.amount if event.amount is not None and event.amount > 0 else None,
        reason=f"Received {received}, not the {order.total} {order.currency} due.",
        of_sale=False,
    )
    payment_problem.send(
        sender=Payment,
        order=order,
        payment=payment,
        problem=(
            f"A payment of {received} arrived for order {order.number}, which is "
            f"{order.total} {order.currency}: it was not applied and is being refunded."
        ),
    )


def _apply_refunded(*, payment: Payment, event: ProviderEvent) -> str:
    """The provider says `event.amount` of the payment is refunded in all (a refund made in
    its dashboard, or one of ours): what Orderly has not recorded yet is recorded as made."""
    recorded = payment_refunded_total(payment=payment)
    new = min(event.amount or 0, payment.amount) - recorded
    if new <= 0:
        return Outcome.IGNORED
    refund_record_made(
        payment=payment,
        amount=new,
        reference=event.refund_reference,
        reason="Refunded in the payment provider's dashboard.",
    )
    return Outcome.REFUNDED


def payments_refund_for_order(*, order: Order, reason: str) -> list[Refund]:
    """Refund what is left of every succeeded payment of the order (locked by the caller);
    a payment with nothing left (0.00, or refunded already) refunds nothing."""
    payments = lock_payments(order=order, status=Payment.Status.SUCCEEDED)
    refunds = [refund_request(payment=payment, reason=reason) for payment in payments]
    return [refund for refund in refunds if refund is not None]


def refund_run(*, refund_id: int, now: datetime | None = None) -> Refund | None:
    """Ask the provider for the refund, once; record the outcome. Returns the refund, or
    None when it was already made or another worker is making it.

    Any failure is an attempt: it is recorded (attempts, error) and committed with the time
    of the next attempt, doubling each time (refunds_retry_due picks it up then); after
    REFUND_MAX_ATTEMPTS the refund is given up and managers are told.
    """
    now = now or timezone.now()
    with transaction.atomic():
        refund = lock_refund_if_free(
            refund_id=refund_id, statuses=[Refund.Status.PENDING, Refund.Status.FAILED]
        )
        if refund is None:
            return None
        refund.attempts += 1
        try:
            reference = provider_of(refund.payment.provider).refund(
                payment=refund.payment, amount=refund.amount, key=refund.key
            )
        except Exception as error:  # noqa: BLE001 - any failure is an attempt, not only expected ones
            _refund_failed(refund=refund, error=error, now=now)
            return refund
        refund.status = Refund.Status.SUCCEEDED
        refund.reference = reference
        refund.last_error = ""
        refund.next_attempt_at = None
        refund.refunded_at = now
        refund.save()
        payment = refund.payment
        if payment.status == Payment.Status.MISMATCH or not payment_refundable(payment=payment):
            Payment.objects.filter(pk=payment.pk).update(
                status=Payment.Status.REFUNDED, updated_at=now
            )
        payment_refunded.send(
            sender=Refund, order=payment.order, payment=payment, amount=refund.amount, refund=refund
        )
    return refund


def _refund_failed(*, refund: Refund, error: Exception, now: datetime) -> None:
    message = error.message if isinstance(error, ApplicationError) else repr(error)
    refund.last_error = message[:2000]
    if refund.attempts < settings.REFUND_MAX_ATTEMPTS:
        logger.warning("Refund %s failed (attempt %s): %s", refund.pk, refund.attempts, message)
        refund.status = Refund.Status.FAILED
        wait = REFUND_FIRST_RETRY * 2 ** (refund.attempts - 1)
        refund.next_attempt_at = now + min(wait, REFUND_LONGEST_WAIT)
        refund.save()
        return
    logger.error("Refund %s gave up after %s attempts: %s", refund.pk, refund.attempts, message)
    refund.status = Refund.Status.GAVE_UP
    refund.next_attempt_at = None
    refund.save()
    order = refund.payment.order
    if refund.of_sale:  # nothing went back: the sale counts again until a person refunds it
        with order_door():
            Order.objects.filter(pk=order.pk).update(refunded=F("refunded") - refund.amount)
    payment_problem.send(
        sender=Refund,
        order=order,
        payment=refund.payment,
        problem=(
            f"The refund of {refund.amount} {refund.payment.currency} for order {order.number} "
            f"failed {refund.attempts} times and was given up ({message[:300]}). Refund it in "
            "the payment provider's dashboard, or from the order list once the cause is fixed."
        ),
    )


def refunds_retry_due(*, now: datetime | None = None, limit: int = 100) -> int:
    """Make the refunds that are due (new ones a worker missed, failed ones past their
    wait); return how many succeeded. Safe when two workers run it at once."""
    now = now or timezone.now()
    due = Refund.objects.filter(
        status__in=[Refund.Status.PENDING, Refund.Status.FAILED], next_attempt_at__lte=now
    ).values_list("pk", flat=True)[:limit]
    done = 0
    for pk in list(due):
        refund = refund_run(refund_id=pk, now=now)
        done += refund is not None and refund.status == Refund.Status.SUCCEEDED
    return done


def sandbox_webhook_send(*, payment_id: int, event_id: str, succeeded: bool) -> list[str]:
    """Send the sandbox's signed webhook for a Pay or Decline through the webhook service,
    as a real provider's arrives; the event id is chosen when the buyer pressed the button,
    so a retried send is the same event."""
    payment = Payment.objects.get(pk=payment_id)
    body = sandbox_event_body(event_id=event_id, payment=payment, succeeded=succeeded)
    headers = {SANDBOX_SIGNATURE_HEADER: sandbox_sign(body)}
    return payment_webhook_receive(provider=payment.provider, body=body, headers=headers)


def sandbox_payment_submit(*, payment: Payment, by: Actor, succeeded: bool) -> None:
    """The buyer pressed Pay (or Decline) on the sandbox's page: queue the signed webhook
    a real provider would send. Runs in-process when tasks run eagerly. The buyer is the
    order's customer: its user, or for a guest's order the guest holding its link."""
    if not order_customer_is(order=payment.order, by=by):
        raise PaymentNotAllowed(_("Only the customer who placed the order can pay for it."))
    if payment.status != Payment.Status.PENDING:
        raise PaymentNotAllowed(
            _("This payment is already %(status)s: go back to the order to pay again.")
            % {"status": payment.get_status_display().lower()}
        )
    try:
        task_queue("orders.tasks.send_sandbox_webhook", payment.pk, f"evt_{uuid4().hex}", succeeded)
    except OperationalError as error:
        raise PaymentProviderUnavailable(
            _("The sandbox cannot send its answer right now: please press the button again.")
        ) from error
