"""Checkout: turn the customer's cart into a `pending_payment` order, all or nothing.

The money (tax-inclusive or tax-exclusive prices, the coupon spread over the lines, tax per
line, the delivery fee and its tax) is priced by orders/pricing.py; `order_price` feeds it
the shop's settings, and checkout stores each line's discount, net, tax and gross.
"""

from collections.abc import Iterable
from uuid import uuid4

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from accounts.models import Address, User
from accounts.services import user_ensure_verified
from orders import pricing
from orders.errors import (
    AddressInvalid,
    CouponExhausted,
    CouponInvalid,
    EmptyCart,
    IdempotencyKeyInvalid,
    IdempotencyKeyReused,
    OutOfStock,
    SlotUnavailable,
    TooManyOpenOrders,
)
from orders.models import (
    CartLine,
    CheckoutRequest,
    Coupon,
    Order,
    OrderEvent,
    OrderLine,
    Product,
    Slot,
)
from orders.pricing import LineIn
from orders.services.catalogue import catalogue_changed
from orders.services.locks import lock_cart, lock_coupon, lock_products, lock_slot, lock_user
from orders.services.slots import slot_ensure_bookable, slot_reserve
from orders.services.transitions import orders_expire_unpaid
from orders.signals import order_changed, order_changing

IDEMPOTENCY_KEY_MAX_LENGTH = 100


def order_price(
    *, lines: Iterable[LineIn], kind: str, coupon: Coupon | None = None
) -> pricing.Priced:
    """The money of an order of this kind (delivery or pickup), with the shop's settings."""
    return pricing.price_order(
        lines=lines,
        prices_include_tax=settings.PRICES_INCLUDE_TAX,
        delivery_fee=settings.DELIVERY_FEE if kind == Slot.Kind.DELIVERY else pricing.ZERO,
        delivery_tax_rate=settings.DELIVERY_TAX_RATE,
        coupon_kind=coupon.kind if coupon else "",
        coupon_value=coupon.value if coupon else pricing.ZERO,
    )


def idempotency_key_clean(key: str | None) -> str:
    key = (key or "").strip()
    if not key:
        raise IdempotencyKeyInvalid("An Idempotency-Key header is required to place an order.")
    if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        raise IdempotencyKeyInvalid(
            f"The Idempotency-Key must be at most {IDEMPOTENCY_KEY_MAX_LENGTH} characters."
        )
    return key


def _coupon_check(*, code: str, now) -> Coupon:
    """Lock the coupon and check it can be used once more."""
    coupon = lock_coupon(code=code)
    if coupon is None or not coupon.is_active:
        raise CouponInvalid(f"The coupon {code} does not exist.")
    if coupon.valid_from and now < coupon.valid_from:
        raise CouponInvalid(f"The coupon {coupon.code} is not valid yet.")
    if coupon.valid_until and now > coupon.valid_until:
        raise CouponInvalid(f"The coupon {coupon.code} has expired.")
    if coupon.uses >= coupon.max_uses:
        raise CouponExhausted(f"The coupon {coupon.code} has been used up.")
    return coupon


def _stock_problems(*, wanted: dict[int, int], products: dict[int, Product]) -> list[str]:
    problems = []
    for product_id, quantity in wanted.items():
        product = products.get(product_id)
        if product is None or not product.is_active:
            name = product.name if product else "A product in your cart"
            problems.append(f"{name}: no longer available")
        elif product.stock < quantity:
            left = f"only {product.stock} left" if product.stock else "out of stock"
            problems.append(f"{product.name}: {left}")
    return problems


@transaction.atomic
def checkout_place(
    *,
    user: User,
    slot_id: int,
    address_id: int | None,
    coupon_code: str = "",
    idempotency_key: str,
) -> tuple[Order, bool]:
    """Place an order from the user's cart. Returns (order, created).

    The same idempotency_key again returns the first order with created=False. Rows are
    locked in one fixed order (user, cart, products by pk, slot, coupon), every check runs
    before the first write, and any error rolls the whole transaction back, so a failed
    checkout leaves stock, slot, coupon and cart as they were. The number of queries does
    not depend on the number of cart lines.
    """
    key = idempotency_key_clean(idempotency_key)
    coupon_code = (coupon_code or "").strip()
    fingerprint = f"slot={slot_id};address={address_id};coupon={coupon_code.upper()}"
    user_ensure_verified(user=user)

    # One user's checkouts run one at a time: a repeated key waits here for the first
    # request to commit, then finds its order; the open-orders count cannot race.
    lock_user(user_id=user.pk)
    previous = CheckoutRequest.objects.filter(user=user, key=key).select_related("order").first()
    if previous is not None:
        if previous.fingerprint != fingerprint:
            raise IdempotencyKeyReused(
                "This checkout was already placed with a different slot, address or coupon: "
                "start a new checkout (with a new Idempotency-Key) to place another order."
            )
        return previous.order, False

    # A stopped expiry worker must not lock a customer out: their own overdue orders go first.
    now = timezone.now()
    orders_expire_unpaid(user=user, now=now)
    open_orders = Order.objects.filter(user=user, status=Order.Status.PENDING_PAYMENT).count()
    if open_orders >= settings.MAX_OPEN_ORDERS:
        raise TooManyOpenOrders(
            f"You already have {open_orders} orders waiting for payment: pay for or cancel "
            f"one of them before placing another (at most {settings.MAX_OPEN_ORDERS}).",
            field="orders",
        )

    # The cart's row lock is the one the cart services take, so a quantity changed during
    # checkout is either in this order or still in the cart afterwards, never lost.
    cart = lock_cart(user_id=user.pk)
    cart_lines = (
        list(CartLine.objects.filter(cart=cart).values("pk", "product_id", "quantity"))
        if cart
        else []
    )
    if not cart_lines:
        raise EmptyCart()
    wanted = {line["product_id"]: line["quantity"] for line in cart_lines}
    products = {p.pk: p for p in lock_products(wanted)}
    problems = _stock_problems(wanted=wanted, products=products)
    if problems:
        raise OutOfStock("; ".join(problems) + ".")

    slot = lock_slot(slot_id=slot_id)
    if slot is None:
        raise SlotUnavailable("There is no such slot.")
    slot_ensure_bookable(slot=slot, now=now)
    address_text = ""
    if slot.kind == Slot.Kind.DELIVERY:
        if address_id is None:
            raise AddressInvalid("Choose a delivery address, or a pickup slot.")
        address = Address.objects.filter(pk=address_id, user=user).first()
        if address is None:
            raise AddressInvalid("There is no such address in your address book.")
        address_text = address.as_text()
    elif address_id is not None:
        raise AddressInvalid("This is a pickup slot: orders collected in the shop take no address.")
    slot_reserve(slot=slot)

    coupon = _coupon_check(code=coupon_code, now=now) if coupon_code else None
    bought = list(wanted.items())
    priced = order_price(
        lines=[LineIn(products[pid].price, products[pid].tax_rate, qty) for pid, qty in bought],
        kind=slot.kind,
        coupon=coupon,
    )

    order = Order.objects.create(
        number=f"new-{uuid4().hex}",
        user=user,
        kind=slot.kind,
        slot=slot,
        delivery_address=address_text,
        contact_name=user.name,
        contact_email=user.email,
        contact_phone=user.phone,
        coupon=coupon,
        coupon_code=coupon.code if coupon else "",
        currency=settings.SHOP_CURRENCY,
        placed_at=now,
        prices_include_tax=priced.prices_include_tax,
        subtotal=priced.subtotal,
        tax=priced.tax,
        delivery_fee=priced.delivery_fee,
        delivery_tax=priced.delivery_tax,
        discount=priced.discount,
        total=priced.total,
    )
    order.number = f"ORD-{timezone.localtime(now).year}-{order.pk:06d}"
    Order.objects.filter(pk=order.pk).update(number=order.number)

    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            product=products[pid],
            product_name=products[pid].name,
            sku=products[pid].sku,
            unit_price=line.unit_price,
            tax_rate=line.tax_rate,
            quantity=line.quantity,
            line_total=line.amount,
            discount=line.discount,
            net=line.net,
            tax=line.tax,
            gross=line.gross,
        )
        for (pid, _), line in zip(bought, priced.lines, strict=True)
    )
    Product.objects.filter(pk__in=wanted).update(
        stock=Case(
            *(When(pk=pid, then=F("stock") - Value(qty)) for pid, qty in wanted.items()),
            default=F("stock"),
        )
    )
    # Cached catalogue replies may show a stock count up to CATALOGUE_CACHE_SECONDS old, but
    # never a sold-out product as for sale: only selling one out empties the cache.
    if any(products[pid].stock <= qty for pid, qty in wanted.items()):
        catalogue_changed()
    if coupon is not None:
        used = Coupon.objects.filter(pk=coupon.pk, uses__lt=F("max_uses")).update(
            uses=F("uses") + 1
        )
        if not used:
            raise CouponExhausted(f"The coupon {coupon.code} has been used up.")
    OrderEvent.objects.create(
        order=order, actor=user, from_status="", to_status=order.status, note="Order placed."
    )
    CheckoutRequest.objects.create(user=user, key=key, fingerprint=fingerprint, order=order)
    CartLine.objects.filter(pk__in=[line["pk"] for line in cart_lines]).delete()
    order_changing.send(
        sender=Order, order=order, from_status="", to_status=order.status, by=user, note=""
    )

    transaction.on_commit(
        lambda: order_changed.send(
            sender=Order, order=order, from_status="", to_status=order.status, by=user
        ),
        robust=True,
    )
    return order, True
