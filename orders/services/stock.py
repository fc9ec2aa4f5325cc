"""Stock changed by hand: a recorded movement applied with a conditional update."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from orders.errors import StockAdjustmentInvalid
from orders.models import Product, StockMovement
from orders.services.catalogue import catalogue_changed
from orders.services.locks import lock_products
from orders.signals import stock_adjusted

MAX_ADJUSTMENT = 100_000


@transaction.atomic
def stock_adjust(
    *, product: Product, delta: int, reason: str, by: User | None, note: str = ""
) -> StockMovement:
    """Add `delta` (negative takes away) to the product's stock and record who, why and when.

    The row lock is the one checkout takes on products, and the UPDATE adds to the stock as
    it is then (never a value read earlier), so a checkout at the same moment loses nothing.
    Raises StockAdjustmentInvalid for a zero change, an unknown reason, or a change that
    would take the stock below zero.
    """
    if reason not in StockMovement.Reason.values:
        raise StockAdjustmentInvalid("Choose a reason for the stock change.", field="reason")
    if delta == 0 or abs(delta) > MAX_ADJUSTMENT:
        raise StockAdjustmentInvalid(
            f"Enter a change between -{MAX_ADJUSTMENT} and {MAX_ADJUSTMENT}, other than 0."
        )
    stock = lock_products([product.pk]).values_list("stock", flat=True).get()
    updated = Product.objects.filter(pk=product.pk, stock__gte=-delta).update(
        stock=F("stock") + delta, updated_at=timezone.now()
    )
    if not updated:
        raise StockAdjustmentInvalid(
            f"Stock cannot go below 0: {product.name} has {stock}, so at most {stock} can be "
            "taken away."
        )
    product.stock = stock + delta
    catalogue_changed()
    stock_adjusted.send(sender=Product, product=product)  # a restock re-arms its low-stock alert
    return StockMovement.objects.create(
        product=product,
        delta=delta,
        stock_after=product.stock,
        reason=reason,
        note=note[:200],
        actor=by,
    )


@transaction.atomic
def stock_count(
    *, product: Product, counted: int, by: User | None, note: str
) -> StockMovement | None:
    """Bring the product's stock to `counted` (a count, or a catalogue import's figure) by a
    recorded movement of the difference; None when it is already that.

    The difference is taken under the row lock, from the stock as it is then.
    """
    if counted < 0:
        raise StockAdjustmentInvalid("Stock cannot be below 0.", field="stock")
    stock = lock_products([product.pk]).values_list("stock", flat=True).get()
    if counted == stock:
        product.stock = stock
        return None
    return stock_adjust(
        product=product,
        delta=counted - stock,
        reason=StockMovement.Reason.COUNT,
        by=by,
        note=note,
    )
