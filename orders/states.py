"""The order state machine's table and the groups of statuses that reports, the board and
jobs share: defined once here, never retyped in a filter.

orders.services.transitions.order_transition applies a move; this module only names them,
so selectors (which never import services) can read the groups too.
"""

from orders.models import Order

Status = Order.Status

TRANSITIONS: dict[str, set[str]] = {
    Status.PENDING_PAYMENT: {Status.PAID, Status.CANCELLED, Status.EXPIRED},
    Status.PAID: {Status.PREPARING, Status.CANCELLED},
    Status.PREPARING: {Status.READY, Status.OUT_FOR_DELIVERY, Status.CANCELLED},
    Status.READY: {Status.COMPLETED, Status.CANCELLED},
    Status.OUT_FOR_DELIVERY: {Status.COMPLETED, Status.CANCELLED},
    Status.COMPLETED: {Status.REFUNDED},
    Status.CANCELLED: set(),
    Status.EXPIRED: set(),
    Status.REFUNDED: set(),
}

# Moves only the system makes (by=None): a confirmed payment, the payment timeout, a full
# refund (orders.services.refunds).
SYSTEM_ONLY = frozenset({Status.PAID, Status.EXPIRED, Status.REFUNDED})
# Only the kind of order they name may go through these.
KIND_ONLY = {Status.READY: Order.Kind.PICKUP, Status.OUT_FOR_DELIVERY: Order.Kind.DELIVERY}

# The statuses an order leaves its stock and slot place (and its coupon use) in.
RELEASING = frozenset({Status.CANCELLED, Status.EXPIRED})
# Paid and not cancelled: the shop is preparing, handing over or has handed over the goods.
# A sale in the dashboard, the daily report and its CSV, less what was refunded of it; a
# cancelled order, or one refunded in full, stops counting.
SOLD = frozenset(
    {Status.PAID, Status.PREPARING, Status.READY, Status.OUT_FOR_DELIVERY, Status.COMPLETED}
)
# Paid and still to be handed over: the customer is reminded of the slot.
LIVE = SOLD - {Status.COMPLETED}
# Where an order's story ends; every other status is an order in progress (a closed
# slot's live orders, an account that cannot be deleted yet).
ENDED = frozenset({Status.COMPLETED, Status.CANCELLED, Status.EXPIRED, Status.REFUNDED})
IN_PROGRESS = frozenset(Status.values) - ENDED
# Orders the kitchen still has to make and pack (the prep list, the slips): paid, or
# already being prepared.
TO_PREPARE = frozenset({Status.PAID, Status.PREPARING})
# Delivery orders still to take out (delivery runs), those already in the van included.
TO_DELIVER = TO_PREPARE | {Status.OUT_FOR_DELIVERY}
# What the staff board shows: every order someone had to prepare (paid at some point), so
# cancelled and refunded ones stay visible on the day; unpaid and expired ones never were.
ON_BOARD = frozenset(Status.values) - {Status.PENDING_PAYMENT, Status.EXPIRED}
