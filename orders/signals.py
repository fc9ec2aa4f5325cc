"""Signals the orders app sends; other apps (notifications, payments) listen to them.

order_changing is sent inside the transaction that changes an order's status, so what a
receiver writes (a notification, a refund to make) commits or rolls back with the change:
the outbox. order_changed is sent once per change after that transaction commits (never
for a change that rolled back), for work that leaves the process. A new order is sent
with from_status="" and to_status="pending_payment".

payment_refunded is sent inside the transaction that records a refund as made.
stock_adjusted is sent inside the transaction of a stock adjustment made by hand.
payment_problem is sent inside the transaction that finds money managers must look at (a
payment of the wrong amount or currency, a refund given up).
"""

from django.dispatch import Signal

# kwargs: order, from_status, to_status, by (a user, or None: the system), note
order_changing = Signal()
# kwargs: order, from_status, to_status, by
order_changed = Signal()
# kwargs: order, payment, amount, refund
payment_refunded = Signal()
# kwargs: order, payment, problem (a sentence for managers)
payment_problem = Signal()
# kwargs: product (its stock changed by hand: a restock or a correction)
stock_adjusted = Signal()
