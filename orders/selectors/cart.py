"""Reads of a cart: its lines at today's prices, the totals, and what is wrong with a line."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, Sum

from accounts.models import Address
from orders import pricing
from orders.food import allergens_block_sale
from orders.models import Cart, CartLine, OptionChoice, OptionGroup, Product
from orders.options import Chosen, line_options
from orders.selectors.options import option_groups_of


@dataclass(frozen=True)
class CartLineSummary:
    id: int
    product: Product
    quantity: int
    unit_price: Decimal
    line_total: Decimal
    inactive: bool
    out_of_stock: bool
    allergen_info_missing: bool = False
    options: list[Chosen] = field(default_factory=list)
    message: str = ""
    options_changed: bool = False

    @property
    def has_problem(self) -> bool:
        return (
            self.inactive or self.out_of_stock or self.options_changed or self.allergen_info_missing
        )


@dataclass(frozen=True)
class FirstAddress:
    """Where the cart's owner lives first in their address book: what delivery is priced to."""

    postcode: str
    country: str


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
    # The owner's first address, read with the lines; None for a guest, an empty cart or a
    # customer without an address.
    first_address: FirstAddress | None = None

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def has_problems(self) -> bool:
        return any(line.has_problem for line in self.lines)


def cart_summary(*, cart: Cart | None) -> CartSummary:
    """The cart at current prices, in one query, two when a line's product has options. A
    line is flagged when its product is no longer for sale, has fewer in stock than all the
    product's lines ask for together, or its options changed since it was added. The owner's
    first address (what delivery is priced to) comes in the same query."""
    if cart is None or cart.pk is None:
        return CartSummary()
    rows = _cart_rows(cart)
    groups = option_groups_of(product_ids={row.pk for row in rows if row.has_options})
    wanted: dict[int, int] = defaultdict(int)
    for row in rows:
        wanted[row.pk] += row.line_quantity
    lines = []
    for product in rows:
        choice_ids = [int(part) for part in product.line_choices_key.split(",") if part]
        found = line_options(
            product=product, groups=groups.get(product.pk, []), choice_ids=choice_ids
        )
        chosen, price = found if found else ([], product.price)
        lines.append(
            CartLineSummary(
                id=product.line_id,
                product=product,
                quantity=product.line_quantity,
                unit_price=price,
                line_total=pricing.money(price * product.line_quantity),
                inactive=not product.is_active,
                out_of_stock=product.stock < wanted[product.pk],
                options=chosen,
                message=product.line_message,
                options_changed=found is None,
                allergen_info_missing=allergens_block_sale(product),
            )
        )
    # What cannot be bought as it stands is flagged and left out of the totals.
    priced = pricing.price_order(
        lines=[
            pricing.LineIn(ln.unit_price, ln.product.tax_rate, ln.quantity)
            for ln in lines
            if not ln.has_problem
        ],
        prices_include_tax=settings.PRICES_INCLUDE_TAX,
    )
    first = rows[0] if rows else None
    return CartSummary(
        lines=lines,
        subtotal=priced.subtotal,
        tax=priced.tax,
        total=priced.total,
        prices_include_tax=priced.prices_include_tax,
        first_address=FirstAddress(first.address_postcode, first.address_country)
        if first is not None and first.address_postcode
        else None,
    )


def _cart_rows(cart: Cart) -> list[Product]:
    """Each line of the cart as its product, carrying the line (`line_id`, `line_quantity`,
    `line_choices_key`, `line_message`), whether the product has options, and the cart
    owner's first address (`address_postcode`, `address_country`; None for a guest's cart),
    in the cart's order, in one statement.

    Written out: the ORM took more instructions to build this query (a join, an EXISTS and
    two subqueries) than a cart add spent on anything else (bench/RESULTS.md). The product's
    columns come from its model, so a new field is read too; the search documents are left
    out (loaded if read, a deferred field). Runs on PostgreSQL and SQLite alike, and the
    raw query set converts the product's columns as the ORM would."""
    line, product, address = (
        CartLine._meta.db_table,
        Product._meta.db_table,
        Address._meta.db_table,
    )
    choice, group = OptionChoice._meta.db_table, OptionGroup._meta.db_table
    columns = ", ".join(
        f"p.{field.column}"
        for field in Product._meta.concrete_fields
        if field.name not in ("search_vector", "search_vector_de")
    )
    first = f"FROM {address} a WHERE a.user_id = %s ORDER BY a.created_at, a.id LIMIT 1"
    return list(
        Product.objects.raw(
            f"SELECT {columns}, l.id AS line_id, l.quantity AS line_quantity,"
            " l.choices_key AS line_choices_key, l.message AS line_message,"
            f" EXISTS (SELECT 1 FROM {choice} c JOIN {group} g ON g.id = c.group_id"
            "  WHERE g.product_id = p.id) AS has_options,"
            f" (SELECT a.postcode {first}) AS address_postcode,"
            f" (SELECT a.country {first}) AS address_country"
            f" FROM {line} l JOIN {product} p ON p.id = l.product_id"
            " WHERE l.cart_id = %s ORDER BY l.added_at, l.id",
            [cart.user_id, cart.user_id, cart.pk],
        )
    )


def _cart_owned(*, user, guest_cart_id: int | None, prefix: str = "") -> Q | None:
    """The one rule for whose cart a request works on: a signed-in user's own cart, else
    the guest cart (no user) whose id the session holds; None when there is neither."""
    if user is not None and user.is_authenticated:
        return Q(**{f"{prefix}user": user})
    if guest_cart_id:
        return Q(**{f"{prefix}pk": guest_cart_id, f"{prefix}user__isnull": True})
    return None


def cart_get(*, user=None, guest_cart_id: int | None = None) -> Cart | None:
    """This request's cart: the signed-in user's, or the guest cart whose id the session holds."""
    owned = _cart_owned(user=user, guest_cart_id=guest_cart_id)
    return None if owned is None else Cart.objects.filter(owned).first()


def cart_item_count(*, user=None, guest_cart_id: int | None = None) -> int:
    """How many items the badge shows, in one query."""
    owned = _cart_owned(user=user, guest_cart_id=guest_cart_id, prefix="cart__")
    if owned is None:
        return 0
    return CartLine.objects.filter(owned).aggregate(n=Sum("quantity"))["n"] or 0
