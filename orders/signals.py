"""Signals the orders app sends for other apps to hear; the orders app itself never
listens to its own signals (order_transition calls what a move implies, such as a refund,
directly).

order_changing is the one seam for an order's changes: sent by checkout (a new order, with
from_status="" and to_status="pending_payment") and by order_transition, inside the
transaction of the change, so what a receiver writes (a notification, an invoice, an
outgoing webhook to deliver) commits or rolls back with it: the outbox. Receivers write
rows only and queue any outbound work with transaction.on_commit.

payment_refunded is sent inside the transaction that records a refund as made.
"""

from django.dispatch import Signal

# kwargs: order, from_status, to_status, by (a user, or None: the system), note
order_changing = Signal()
# kwargs: order, payment, amount
payment_refunded = Signal()
