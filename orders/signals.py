"""Signals the orders app sends for other apps to hear; the orders app itself never
listens to its own signals (order_transition calls what a move implies, such as a refund,
directly).

order_changing is the one seam for an order's changes: sent by checkout (a new order, with
from_status="" and to_status="pending_payment") and by order_transition, inside the
transaction of the change, so what a receiver writes (a notification, an invoice, an
outgoing webhook to deliver) commits or rolls back with it: the outbox. Receivers write
rows only and queue any outbound work with transaction.on_commit.

payment_refunded is sent inside the transaction that records a refund as made.
stock_adjusted is sent inside the transaction of a stock adjustment made by hand.
payment_problem is sent inside the transaction that finds money managers must look at (a
payment of the wrong amount or currency, a refund given up).
"""

from django.dispatch import Signal

# kwargs: order, from_status, to_status, by (a user, or None: the system), note
order_changing = Signal()
# kwargs: order, payment, amount, refund
payment_refunded = Signal()
# kwargs: order, payment, problem (a sentence for managers)
payment_problem = Signal()
# kwargs: product (its stock changed by hand: a restock or a correction)
stock_adjusted = Signal()
