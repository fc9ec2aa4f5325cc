"""Every write to a cart. The HTML views and the API call these, so each rule lives here once."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.errors import (
    CartGone,
    CartLineNotFound,
    NotEnoughStock,
    ProductUnavailable,
    QuantityInvalid,
)
from orders.models import MAX_LINE_QUANTITY, Cart, CartLine, OptionChoice, OptionGroup, Product
from orders.options import choice_ids_check, message_clean, options_choose, unit_price
from orders.selectors.options import option_groups_of
from orders.services.food import products_ensure_sellable
from orders.services.locks import lock_cart_line, lock_carts

# Where a guest's cart id is kept in the browser session until they sign in.
GUEST_CART_SESSION_KEY = "cart_id"
# A guest cart untouched for this long is deleted: well past the two weeks a session lives.
GUEST_CART_MAX_AGE = timedelta(days=30)


def cart_quantity_check(*, quantity: object) -> int:
    """The one rule for a line's quantity: a whole number from 1 to MAX_LINE_QUANTITY."""
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise QuantityInvalid(_("Quantity must be a whole number."))
    if quantity < 1:
        raise QuantityInvalid(_("Quantity must be at least 1."), code="quantity_too_small")
    if quantity > MAX_LINE_QUANTITY:
        raise QuantityInvalid(
            _("Quantity must be at most %(max)s.") % {"max": MAX_LINE_QUANTITY},
            code="quantity_too_large",
        )
    return quantity


def cart_get_or_create(*, user) -> Cart:
    cart, _ = Cart.objects.get_or_create(user=user)
    return cart


def cart_create_for_guest() -> Cart:
    return Cart.objects.create(user=None)


def _cart_lock(cart: Cart) -> Cart:
    """Serialise writers of one cart, so two adds of the same product never race to insert:
    the UPDATE that marks the cart as used holds its row until the transaction ends."""
    cart.updated_at = timezone.now()
    if not Cart.objects.filter(pk=cart.pk).update(updated_at=cart.updated_at):
        raise CartGone()
    return cart


def _product_id_check(product_id: object) -> int:
    if isinstance(product_id, bool) or not isinstance(product_id, int):
        raise ProductUnavailable(_("Choose a product."))
    if not 0 < product_id < 2**63:  # no such row, and no database takes the number
        raise ProductUnavailable()
    return product_id


@transaction.atomic
def cart_add(
    *,
    cart: Cart,
    product_id: object,
    quantity: object,
    choice_ids: object = None,
    message: object = "",
) -> CartLine:
    """Put `quantity` of a product, with these option choices and message, in the cart, on
    top of a line with the same choices and message if there is one (else a new line).

    A sum over MAX_LINE_QUANTITY is refused, not capped: the customer asked for more than
    one line can hold and should know it.
    """
    quantity = cart_quantity_check(quantity=quantity)
    product_id = _product_id_check(product_id)
    return _add(
        cart=_cart_lock(cart),
        product_id=product_id,
        quantity=quantity,
        choice_ids=choice_ids,
        message=message,
    )


@transaction.atomic
def cart_add_for_user(
    *, user, product_id: object, quantity: object, choice_ids: object = None, message: object = ""
) -> CartLine:
    """cart_add on the user's own cart, made if they have none yet. Finding, making and
    locking the cart is one statement (an INSERT that updates the existing row instead)."""
    quantity = cart_quantity_check(quantity=quantity)
    product_id = _product_id_check(product_id)
    (cart,) = Cart.objects.bulk_create(
        [Cart(user=user)],
        update_conflicts=True,
        unique_fields=["user"],
        update_fields=["updated_at"],
    )
    return _add(
        cart=cart, product_id=product_id, quantity=quantity, choice_ids=choice_ids, message=message
    )


def _add(
    *, cart: Cart, product_id: int, quantity: int, choice_ids: object, message: object
) -> CartLine:
    """The add itself, for a caller that holds the cart's lock. Every check runs before
    the one write."""
    choice_ids = choice_ids_check(choice_ids)
    key = ",".join(str(pk) for pk in sorted(choice_ids))
    text = message.strip() if isinstance(message, str) else ""
    product = _product_for_add(cart=cart, product_id=product_id, key=key, message=text)
    if product is None:
        raise ProductUnavailable()
    products_ensure_sellable(products=[product])
    groups = (
        option_groups_of(product_ids=[product.pk]).get(product.pk, [])
        if product.has_options
        else []
    )
    chosen = options_choose(groups=groups, choice_ids=choice_ids)
    unit_price(product=product, chosen=chosen)
    message_clean(product=product, message=message)
    if product.on_line + quantity > MAX_LINE_QUANTITY:
        raise QuantityInvalid(
            _(
                "You already have %(in_cart)s of %(name)s in your cart; "
                "a line holds at most %(max)s."
            )
            % {"in_cart": product.on_line, "name": product.name, "max": MAX_LINE_QUANTITY},
            code="quantity_too_large",
        )
    _stock_check(product=product, in_cart=product.in_cart, adding=quantity)
    if product.line_id is None:
        return CartLine.objects.create(
            cart=cart, product=product, quantity=quantity, choices_key=key, message=text
        )
    line = CartLine(pk=product.line_id, cart=cart, product=product, choices_key=key, message=text)
    line.quantity = product.on_line + quantity
    line.save(update_fields=["quantity"])
    return line


def _product_for_add(*, cart: Cart, product_id: int, key: str, message: str) -> Product | None:
    """The active product, with how many of it all the cart's lines hold (`in_cart`), the
    line with these choices and message if there is one (`line_id`, `on_line`), and
    whether it has options, in one statement read under the cart's lock.

    Written out: the ORM took more instructions to build this query (four subqueries)
    than the rest of a cart add together (bench/RESULTS.md). The columns are what a cart
    add reads; any other is loaded if read (a deferred field). Runs on PostgreSQL and
    SQLite alike; tests/orders/test_cart.py covers each subquery."""
    line, product = CartLine._meta.db_table, Product._meta.db_table
    choice, group = OptionChoice._meta.db_table, OptionGroup._meta.db_table
    same = (
        f"FROM {line} l WHERE l.cart_id = %s AND l.product_id = p.id"
        " AND l.choices_key = %s AND l.message = %s"
    )
    columns = ", ".join(f"p.{name}" for name in _ADD_COLUMNS)
    found = Product.objects.raw(
        f"SELECT {columns},"
        f" COALESCE((SELECT SUM(l.quantity) FROM {line} l"
        "  WHERE l.cart_id = %s AND l.product_id = p.id), 0) AS in_cart,"
        f" (SELECT l.id {same}) AS line_id,"
        f" COALESCE((SELECT l.quantity {same}), 0) AS on_line,"
        f" EXISTS (SELECT 1 FROM {choice} c JOIN {group} g ON g.id = c.group_id"
        "  WHERE g.product_id = p.id) AS has_options"
        f" FROM {product} p WHERE p.id = %s AND p.is_active",
        [cart.pk, cart.pk, key, message, cart.pk, key, message, product_id],
    )
    return next(iter(found), None)


_ADD_COLUMNS = (
    "id",
    "name_en",
    "name_de",
    "price",
    "tax_rate",
    "stock",
    "is_active",
    "allergens_contains",
    "allergens_may_contain",
    "allows_message",
    "message_max_length",
)


def _stock_check(*, product: Product, in_cart: int, adding: int) -> None:
    """More than the shelf holds is refused at once, saying how many are left; checkout
    checks again, since stock may go while the cart waits. `in_cart` counts every line of
    the product: two lines of one product (sliced and whole) draw on one stock."""
    if in_cart + adding <= product.stock:
        return
    if product.stock <= 0:
        raise NotEnoughStock(_("%(name)s is out of stock.") % {"name": product.name})
    values = {"stock": product.stock, "name": product.name, "in_cart": in_cart}
    if in_cart:
        raise NotEnoughStock(
            _("Only %(stock)s of %(name)s left and you have %(in_cart)s in your cart.") % values
        )
    raise NotEnoughStock(_("Only %(stock)s of %(name)s left.") % values)


def _cart_line_locked(*, cart: Cart, line_id: object) -> CartLine:
    if isinstance(line_id, bool) or not isinstance(line_id, int):
        raise CartLineNotFound()
    line = lock_cart_line(cart=cart, line_id=line_id)
    if line is None:
        raise CartLineNotFound()
    return line


@transaction.atomic
def cart_line_update(*, cart: Cart, line_id: object, quantity: object) -> CartLine:
    quantity = cart_quantity_check(quantity=quantity)
    cart = _cart_lock(cart)
    line = _cart_line_locked(cart=cart, line_id=line_id)
    if quantity > line.quantity:
        others = (
            CartLine.objects.filter(cart=cart, product_id=line.product_id)
            .exclude(pk=line.pk)
            .aggregate(n=Sum("quantity"))["n"]
        )
        _stock_check(product=line.product, in_cart=others or 0, adding=quantity)
    line.quantity = quantity
    line.save(update_fields=["quantity"])
    return line


@transaction.atomic
def cart_line_remove(*, cart: Cart, line_id: object) -> None:
    cart = _cart_lock(cart)
    _cart_line_locked(cart=cart, line_id=line_id).delete()


@transaction.atomic
def cart_merge(*, source: Cart, target: Cart) -> Cart:
    """Move a guest cart's lines into the user's cart and delete the guest cart.

    Quantities of a line (same product, choices and message) in both are added and capped
    at MAX_LINE_QUANTITY: the customer did nothing wrong by signing in, so nothing is
    refused here.
    """
    if source.pk == target.pk:
        return target
    # Both carts locked in primary-key order, the same order any other writer would take.
    locked = lock_carts([source.pk, target.pk])
    if source.pk not in locked:
        return target
    target = locked[target.pk]
    existing = {_merge_key(line): line for line in CartLine.objects.filter(cart=target)}
    for line in CartLine.objects.filter(cart_id=source.pk):
        mine = existing.get(_merge_key(line))
        if mine is None:
            CartLine.objects.create(
                cart=target,
                product_id=line.product_id,
                quantity=line.quantity,
                choices_key=line.choices_key,
                message=line.message,
            )
        else:
            mine.quantity = min(mine.quantity + line.quantity, MAX_LINE_QUANTITY)
            mine.save(update_fields=["quantity"])
    Cart.objects.filter(pk=source.pk).delete()
    target.save(update_fields=["updated_at"])
    return target


def _merge_key(line: CartLine) -> tuple[int, str, str]:
    return line.product_id, line.choices_key, line.message


def carts_delete_stale_guest(*, now=None) -> int:
    """Delete guest carts (no user) untouched for GUEST_CART_MAX_AGE; return how many.

    One DELETE, so two workers running it at once simply share the rows.
    """
    cutoff = (now or timezone.now()) - GUEST_CART_MAX_AGE
    _, by_model = Cart.objects.filter(user__isnull=True, updated_at__lt=cutoff).delete()
    return by_model.get(Cart._meta.label, 0)
