"""Signals the orders app sends; other apps (notifications, payments) listen to them.

order_changed is sent once per change of an order's status, after the transaction that
made it commits (never for a change that rolled back). A new order is sent with
from_status="" and to_status="pending_payment".
"""

from django.dispatch import Signal

order_changed = Signal()  # kwargs: order, from_status, to_status, by (a user, or None: the system)
