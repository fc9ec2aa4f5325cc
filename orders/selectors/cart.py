"""Reads of a cart: its lines at today's prices, the totals, and what is wrong with a line."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum

from orders import pricing
from orders.models import Cart, CartLine, Product


@dataclass(frozen=True)
class CartLineSummary:
    id: int
    product: Product
    quantity: int
    unit_price: Decimal
    line_total: Decimal
    inactive: bool
    out_of_stock: bool

    @property
    def has_problem(self) -> bool:
        return self.inactive or self.out_of_stock


@dataclass(frozen=True)
class CartSummary:
    """The goods at today's prices, priced as checkout will price them before a coupon and a
    delivery fee: `subtotal` sums the line totals, `tax` is the tax in them (or added on top
    of them, when prices do not include tax), `total` is what the goods cost the customer."""

    lines: list[CartLineSummary] = field(default_factory=list)
    subtotal: Decimal = pricing.ZERO
    tax: Decimal = pricing.ZERO
    total: Decimal = pricing.ZERO
    prices_include_tax: bool = field(default_factory=lambda: settings.PRICES_INCLUDE_TAX)

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def has_problems(self) -> bool:
        return any(line.has_problem for line in self.lines)


def cart_summary(*, cart: Cart | None) -> CartSummary:
    """The cart at current prices, in one query. A line is flagged when its product is no
    longer for sale, or has fewer in stock than the line asks for."""
    if cart is None or cart.pk is None:
        return CartSummary()
    lines = []
    for line in CartLine.objects.filter(cart=cart).select_related("product"):
        product = line.product
        lines.append(
            CartLineSummary(
                id=line.pk,
                product=product,
                quantity=line.quantity,
                unit_price=product.price,
                line_total=pricing.money(product.price * line.quantity),
                inactive=not product.is_active,
                out_of_stock=product.stock < line.quantity,
            )
        )
    priced = pricing.price_order(
        lines=[pricing.LineIn(ln.unit_price, ln.product.tax_rate, ln.quantity) for ln in lines],
        prices_include_tax=settings.PRICES_INCLUDE_TAX,
    )
    return CartSummary(
        lines=lines,
        subtotal=priced.subtotal,
        tax=priced.tax,
        total=priced.total,
        prices_include_tax=priced.prices_include_tax,
    )


def cart_item_count(*, user=None, cart_id: int | None = None) -> int:
    """How many items the badge shows: a user's cart, or a guest's cart by its id."""
    if user is not None and user.is_authenticated:
        lines = CartLine.objects.filter(cart__user=user)
    elif cart_id is not None:
        lines = CartLine.objects.filter(cart_id=cart_id, cart__user__isnull=True)
    else:
        return 0
    return lines.aggregate(n=Sum("quantity"))["n"] or 0
