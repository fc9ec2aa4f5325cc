"""Every row lock the orders services take, named, in the one order they are taken
(docs/decisions/0001-lock-order.md; saleor's lock_objects.py).

A transaction that starts from a customer (checkout, the cart) takes, as it needs them:

1. the user (a guest checkout: its email, then the account of that email if any),
2. the cart(s) and their lines, 3. the products by primary key, 4. the slot
(the opening hours before any slot, for slot generation and closures), 5. the coupon;

it never locks an order that already exists. A transaction that starts from an order (a
transition, a payment, a refund) locks:

6. the order first, then only that order's own rows in the same relative order
   (its products, its slot, its coupon), then its payments, then a refund.

So two transactions that share a product, a slot or a coupon always lock them in the same
order and cannot deadlock. A service that needs a row earlier in the list than one it holds
commits first and starts a new transaction (checkout expires overdue orders that way).
Read this module top to bottom to check the order; nothing else calls select_for_update on
these models.
"""

from collections.abc import Iterable
from datetime import date

from django.db import connection
from django.db.models import QuerySet

from accounts.models import User
from orders.models import (
    Cart,
    CartLine,
    Coupon,
    DocumentCounter,
    OpeningHours,
    Order,
    Payment,
    Product,
    Refund,
    Slot,
)


def lock_user(*, user_id: int) -> None:
    """1. One customer's checkouts (and their open-orders count) run one at a time."""
    User.objects.select_for_update().filter(pk=user_id).values_list("pk").first()


def lock_guest(*, email: str) -> None:
    """1. (a guest checkout) One email's guest checkouts one at a time, and then the account
    of that email if there is one, so the open-orders count by email cannot race either.
    There is no row for a guest: on PostgreSQL a transaction-level advisory lock on the
    email stands for it (SQLite runs one writer at a time anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"orderly.guest:{email}"]
            )
    User.objects.select_for_update().filter(email__iexact=email).values_list("pk").first()


def lock_cart(*, user_id: int) -> Cart | None:
    """2. The customer's cart, the lock the cart services take to change its lines."""
    return Cart.objects.select_for_update().filter(user_id=user_id).first()


def lock_guest_cart(*, cart_id: int) -> Cart | None:
    """2. A guest's cart (no user), found through their session."""
    return Cart.objects.select_for_update().filter(pk=cart_id, user__isnull=True).first()


def lock_carts(ids: Iterable[int]) -> dict[int, Cart]:
    """2. Two carts at once (a merge), by primary key."""
    return {
        cart.pk: cart
        for cart in Cart.objects.select_for_update().filter(pk__in=list(ids)).order_by("pk")
    }


def lock_products(ids: Iterable[int]) -> QuerySet[Product]:
    """3. Products by primary key: checkout, giving stock back and stock adjustments."""
    return Product.objects.select_for_update().filter(pk__in=list(ids)).order_by("pk")


def lock_cart_line(*, cart: Cart, line_id: int) -> CartLine | None:
    """2. One line of a cart whose row the caller has locked."""
    return CartLine.objects.select_for_update().filter(cart=cart, pk=line_id).first()


def lock_opening_hours() -> list[OpeningHours]:
    """4. (before slots) The weekly pattern: slot generation and closures one at a time."""
    return list(OpeningHours.objects.select_for_update().order_by("pk"))


def lock_slots(slots: QuerySet[Slot]) -> list[Slot]:
    """4. These slots, by primary key (a closure, a change of the weekly pattern)."""
    return list(slots.select_for_update().order_by("pk"))


def lock_slot(*, slot_id: int) -> Slot | None:
    """4. The slot an order takes (or gives back) a place in."""
    return Slot.objects.select_for_update().filter(pk=slot_id).first()


def lock_coupon(*, code: str) -> Coupon | None:
    """5. The coupon a checkout uses, found by its code in any case."""
    return Coupon.objects.select_for_update().filter(code__iexact=code).first()


def lock_order(*, order_id: int) -> Order:
    """6. An order (only its own row, not its slot's), with its slot read in the same query."""
    return Order.objects.select_for_update(of=("self",)).select_related("slot").get(pk=order_id)


def lock_order_if_free(*, order_id: int, status: str) -> Order | None:
    """6. The order if it is still in `status` and no other worker holds it (sweeps)."""
    return (
        Order.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk=order_id, status=status)
        .first()
    )


def lock_payment(*, payment_id: int) -> Payment:
    """7. One payment of a locked order."""
    return Payment.objects.select_for_update().get(pk=payment_id)


def lock_payments(*, order: Order, status: str) -> QuerySet[Payment]:
    """7. The locked order's payments in `status`, by primary key."""
    return Payment.objects.select_for_update().filter(order=order, status=status).order_by("pk")


def lock_refund_if_free(*, refund_id: int, statuses: Iterable[str]) -> Refund | None:
    """8. A refund still to make that no other worker is making, with its payment and order
    read (not locked) in the same query."""
    return (
        Refund.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("payment__order")
        .filter(pk=refund_id, status__in=list(statuses))
        .first()
    )


def lock_document_counter(*, series: str, day: date) -> DocumentCounter:
    """9. Last of all: the invoice or credit-note counter of `series` for `day`'s year,
    locked until the caller's transaction ends (created at the year's first number)."""
    counter, _ = DocumentCounter.objects.select_for_update().get_or_create(
        series=series, year=day.year
    )
    return counter
