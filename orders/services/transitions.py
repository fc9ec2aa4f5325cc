"""The one door for an order's state and money: `order_transition` applies every move of
the table in orders/states.py, and does itself, in the same transaction, what a move
implies inside the orders app:

- to `cancelled` or `expired`: the stock and the slot place go back;
- to `cancelled`: every succeeded payment gets a refund to make (made after commit);
- to `paid`: `paid_at` is stamped.

Other apps hear of the move through orders.signals.order_changing, sent inside the same
transaction (the outbox seam: notifications write their rows there; invoices and outgoing
webhooks hook in the same way). Status, totals and payment fields are guarded on the model
(orders.models.orders.order_door): only code inside orders.services writes them.
"""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from accounts.models import User
from config.errors import ApplicationError
from orders.errors import OrderMovedOn, TransitionNotAllowed
from orders.models import Order, OrderEvent, OrderLine, Product
from orders.models.orders import order_door, orders_of_email
from orders.policy import Action, Actor, GuestAccess, order_allows, order_customer_is, order_may
from orders.services.catalogue import catalogue_changed
from orders.services.coupons import coupon_use_give_back
from orders.services.locks import lock_order, lock_order_if_free, lock_products
from orders.services.slots import slot_release
from orders.signals import order_changing
from orders.states import KIND_ONLY, RELEASING, SYSTEM_ONLY, TRANSITIONS

Status = Order.Status


def order_next_statuses(*, order: Order) -> list[str]:
    """The moves the table allows from the order's status for its kind (for buttons)."""
    return [
        to
        for to in Status.values
        if to in TRANSITIONS[order.status] and KIND_ONLY.get(to, order.kind) == order.kind
    ]


def order_next_status(*, order: Order) -> str | None:
    """What comes next for the order in fulfilment (the board's button, the admin's advance).

    None when nothing does: an order waiting for payment moves on when it is paid, and
    cancelling is never "next", it is a choice of its own.
    """
    moves = [s for s in order_next_statuses(order=order) if s not in SYSTEM_ONLY | RELEASING]
    return moves[0] if moves else None


def order_cancel_refusal(*, order: Order, by: Actor, now: datetime | None = None) -> str:
    """Why `by` may not cancel the order now, or "" when they may (orders.policy decides)."""
    try:
        order_allows(order=order, user=by, action=Action.CANCEL, now=now)
    except ApplicationError as refusal:
        return refusal.message
    return ""


def order_may_cancel(*, order: Order, by: Actor) -> bool:
    return order_may(order=order, user=by, action=Action.CANCEL)


def _stock_and_slot_release(*, order: Order) -> None:
    lines = list(
        OrderLine.objects.filter(order=order, product__isnull=False).values_list(
            "product_id", "quantity"
        )
    )
    if lines:
        # Lock in the same order as checkout (products by pk) so the two never deadlock.
        stocks = list(lock_products(pid for pid, _ in lines).values_list("stock", flat=True))
        Product.objects.filter(pk__in=[pid for pid, _ in lines]).update(
            stock=Case(
                *(When(pk=pid, then=F("stock") + Value(qty)) for pid, qty in lines),
                default=F("stock"),
            )
        )
        if any(stock <= 0 for stock in stocks):  # back in stock shows at once (see checkout)
            catalogue_changed()
    slot_release(slot_id=order.slot_id)
    coupon_use_give_back(order=order)


def _ensure_move_allowed(*, order: Order, to: str, by: Actor) -> None:
    """The table's rule for a move other than a cancel, then who may make it."""
    if to not in TRANSITIONS[order.status]:
        raise TransitionNotAllowed(
            f"An order that is {order.get_status_display().lower()} cannot move to "
            f"{Status(to).label.lower()}."
        )
    if KIND_ONLY.get(to, order.kind) != order.kind:
        raise TransitionNotAllowed(
            f"A {order.get_kind_display().lower()} order cannot be {Status(to).label.lower()}."
        )
    if by is None:
        return
    if to in SYSTEM_ONLY:
        raise TransitionNotAllowed(
            f"Only the shop's systems move an order to {Status(to).label.lower()}."
        )
    order_allows(order=order, user=by, action=Action.FULFIL)


@transaction.atomic
def order_transition(*, order: Order, to: str, by: Actor, note: str = "") -> Order:
    """Move the order to `to` if the table and the actor allow it; the only writer of status.

    `by` is the user asking, the guest holding the order's link (orders.policy.GuestAccess),
    or None for the system (payments, expiry). Writes an
    OrderEvent, refunds a cancelled order's payments and sends order_changing for other
    apps, all in the caller's transaction. Raises TransitionNotAllowed (or
    CancelNotAllowed for a refused cancel); returns the order as saved.
    """
    locked = lock_order(order_id=order.pk)
    from_status = locked.status
    if to not in Status.values:
        raise TransitionNotAllowed(f"{to!r} is not an order status.")
    if to == Status.CANCELLED:
        order_allows(order=locked, user=by, action=Action.CANCEL)
    else:
        _ensure_move_allowed(order=locked, to=to, by=by)

    if to in RELEASING:
        _stock_and_slot_release(order=locked)
    locked.status = to
    fields = ["status", "updated_at"]
    if to == Status.PAID:
        locked.paid_at = timezone.now()
        fields.append("paid_at")
    with order_door():
        locked.save(update_fields=fields)
    OrderEvent.objects.create(
        order=locked,
        actor=by if isinstance(by, User) else None,
        by_guest=isinstance(by, GuestAccess),
        from_status=from_status,
        to_status=to,
        note=note[:500],
    )
    if to == Status.CANCELLED:
        _refund_cancelled(order=locked, by=by)
    order_changing.send(
        sender=Order, order=locked, from_status=from_status, to_status=to, by=by, note=note
    )
    return locked


def _refund_cancelled(*, order: Order, by: Actor) -> None:
    """A cancelled order's payments are refunded, whoever cancelled it: the refund to make
    is recorded in the cancel's own transaction and made through the provider after commit."""
    # payments moves orders through order_transition, so it is imported when first needed.
    from orders.services.payments import payments_refund_for_order

    actor = "the customer" if order_customer_is(order=order, by=by) else "the shop"
    payments_refund_for_order(order=order, reason=f"The order was cancelled by {actor}.")


@transaction.atomic
def order_advance(*, order: Order, from_status: str, by: User | None, note: str = "") -> Order:
    """Move the order to its next fulfilment status, if it is still in `from_status`.

    `from_status` is the status the person clicking saw: if someone else moved the order
    since, the click is refused with OrderMovedOn instead of moving it a second step.
    """
    locked = lock_order(order_id=order.pk)
    if locked.status != from_status:
        raise OrderMovedOn(
            f"Order {locked.number} is already {locked.get_status_display().lower()}: "
            "nothing was changed."
        )
    to = order_next_status(order=locked)
    if to is None:
        raise TransitionNotAllowed(
            f"Nothing comes next for order {locked.number}: it is "
            f"{locked.get_status_display().lower()}."
        )
    return order_transition(order=locked, to=to, by=by, note=note)


def order_cancel(*, order: Order, by: Actor, note: str = "") -> Order:
    """Cancel the order under the cancel rules; its stock and slot place go back."""
    return order_transition(order=order, to=Status.CANCELLED, by=by, note=note)


def orders_expire_unpaid(
    *,
    now: datetime | None = None,
    limit: int = 500,
    user: User | None = None,
    email: str | None = None,
) -> int:
    """Expire orders left unpaid for ORDER_PAYMENT_TIMEOUT (only `user`'s, or only those a
    guest checkout with `email` counts, when given); return how many were expired.

    Each order expires in its own short transaction; rows another worker holds are
    skipped, so two workers running this at once never expire the same order twice.
    """
    cutoff = (now or timezone.now()) - settings.ORDER_PAYMENT_TIMEOUT
    overdue = Order.objects.filter(status=Status.PENDING_PAYMENT, placed_at__lt=cutoff)
    if user is not None:
        overdue = overdue.filter(user=user)
    if email is not None:
        overdue = overdue.filter(orders_of_email(email=email))
    candidates = list(overdue.order_by("placed_at").values_list("pk", flat=True)[:limit])
    expired = 0
    for pk in candidates:
        with transaction.atomic():
            order = lock_order_if_free(order_id=pk, status=Status.PENDING_PAYMENT)
            if order is None:
                continue
            order_transition(order=order, to=Status.EXPIRED, by=None, note="Not paid in time.")
            expired += 1
    return expired
