"""Checkout: turn the customer's cart into a `pending_payment` order, all or nothing.

The money (tax-inclusive or tax-exclusive prices, the coupon spread over the lines, tax per
line, the delivery fee and its tax) is priced by orders/pricing.py; `order_price` feeds it
the shop's settings, and checkout stores each line's discount, net, tax and gross.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from accounts.models import Address, User
from accounts.services import user_ensure_verified
from config import metrics
from orders import pricing
from orders.delivery import DeliveryQuote
from orders.errors import (
    AddressInvalid,
    CouponExhausted,
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
from orders.models.orders import order_door
from orders.pricing import LineIn
from orders.services.catalogue import catalogue_changed
from orders.services.coupons import coupon_usable
from orders.services.delivery import delivery_ensure, delivery_quote_for
from orders.services.locks import lock_cart, lock_coupon, lock_products, lock_slot, lock_user
from orders.services.payments import order_paid_if_free
from orders.services.slots import slot_ensure_bookable, slot_reserve
from orders.services.transitions import orders_expire_unpaid
from orders.signals import order_changing

IDEMPOTENCY_KEY_MAX_LENGTH = 100


def order_price(
    *,
    lines: Iterable[LineIn],
    kind: str,
    coupon: Coupon | None = None,
    quote: DeliveryQuote | None = None,
) -> pricing.Priced:
    """The money of an order of this kind (delivery or pickup), with the shop's settings.
    A delivery costs the fee of the `quote` (orders.services.delivery) of its address,
    free at or over the zone's threshold after the coupon; without a quote (no address
    chosen yet), DELIVERY_FEE. An address no zone covers costs nothing: it is refused."""
    fee, free_over = pricing.ZERO, None
    if kind == Slot.Kind.DELIVERY:
        fee = settings.DELIVERY_FEE if quote is None else (quote.fee or pricing.ZERO)
        free_over = quote.free_delivery_over if quote is not None else None
    return pricing.price_order(
        lines=lines,
        prices_include_tax=settings.PRICES_INCLUDE_TAX,
        delivery_fee=fee,
        delivery_tax_rate=settings.DELIVERY_TAX_RATE,
        coupon_kind=coupon.kind if coupon else "",
        coupon_value=coupon.value if coupon else pricing.ZERO,
        free_delivery_over=free_over,
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
    return coupon_usable(coupon=coupon, code=code, now=now)


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


@metrics.refusals_counted
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
    locked in one fixed order (orders/services/locks.py: user, cart, products by pk, slot,
    coupon), every check runs before the first write, and any error rolls the whole
    transaction back, so a failed checkout leaves stock, slot, coupon and cart as they were.
    The number of queries does not depend on the number of cart lines.
    """
    checkout = Checkout(
        user=user,
        slot_id=slot_id,
        address_id=address_id,
        coupon_code=(coupon_code or "").strip(),
        key=idempotency_key_clean(idempotency_key),
        now=timezone.now(),
    )
    user_ensure_verified(user=user)
    # A stopped expiry worker must not lock a customer out: their own overdue orders go
    # first, each in its own transaction. Expiring locks an order, its products and its
    # slot, so it must never run inside this checkout, after its user and before its cart.
    orders_expire_unpaid(user=user, now=checkout.now)
    return checkout.place()


@dataclass
class Checkout:
    """One checkout, as the steps it takes (django-oscar's OrderCreator): each step locks
    what it reads in the order of orders/services/locks.py and raises before any write."""

    user: User
    slot_id: int
    address_id: int | None
    coupon_code: str
    key: str
    now: datetime

    @property
    def fingerprint(self) -> str:
        return f"slot={self.slot_id};address={self.address_id};coupon={self.coupon_code.upper()}"

    @transaction.atomic
    def place(self) -> tuple[Order, bool]:
        # One user's checkouts run one at a time: a repeated key waits here for the first
        # request to commit, then finds its order; the open-orders count cannot race.
        lock_user(user_id=self.user.pk)
        previous = self.previous_order()
        if previous is not None:
            return previous, False
        self.ensure_few_open_orders()
        cart_lines = self.take_cart()
        wanted = {line["product_id"]: line["quantity"] for line in cart_lines}
        products = self.take_products(wanted)
        slot, delivery = self.take_slot()
        coupon = self.take_coupon()
        bought = list(wanted.items())
        quote = self.delivery_area(kind=slot.kind, delivery=delivery)
        priced = order_price(
            lines=[LineIn(products[pid].price, products[pid].tax_rate, q) for pid, q in bought],
            kind=slot.kind,
            coupon=coupon,
            quote=quote,
        )
        if quote is not None:
            delivery_ensure(quote=quote, goods=priced.subtotal - priced.discount)
            delivery |= {"delivery_zone_id": quote.zone_id, "delivery_zone_name": quote.zone or ""}
        order = self.create_order(slot=slot, delivery=delivery, coupon=coupon, priced=priced)
        self.create_lines(order=order, products=products, bought=bought, priced=priced)
        self.use_stock(products=products, wanted=wanted)
        self.use_coupon(coupon)
        self.record(order=order, cart_lines=cart_lines)
        return order_paid_if_free(order=order), True

    def previous_order(self) -> Order | None:
        """The order this idempotency key already placed, or None; a key sent again with
        another slot, address or coupon is refused."""
        previous = (
            CheckoutRequest.objects.filter(user=self.user, key=self.key)
            .select_related("order")
            .first()
        )
        if previous is None:
            return None
        if previous.fingerprint != self.fingerprint:
            raise IdempotencyKeyReused(
                "This checkout was already placed with a different slot, address or coupon: "
                "start a new checkout (with a new Idempotency-Key) to place another order."
            )
        return previous.order

    def ensure_few_open_orders(self) -> None:
        open_orders = Order.objects.filter(
            user=self.user, status=Order.Status.PENDING_PAYMENT
        ).count()
        if open_orders >= settings.MAX_OPEN_ORDERS:
            raise TooManyOpenOrders(
                f"You already have {open_orders} orders waiting for payment: pay for or cancel "
                f"one of them before placing another (at most {settings.MAX_OPEN_ORDERS}).",
                field="orders",
            )

    def take_cart(self) -> list[dict]:
        """The cart's lines, under the cart's row lock (the one the cart services take), so a
        quantity changed during checkout is either in this order or still in the cart."""
        cart = lock_cart(user_id=self.user.pk)
        cart_lines = (
            list(CartLine.objects.filter(cart=cart).values("pk", "product_id", "quantity"))
            if cart
            else []
        )
        if not cart_lines:
            raise EmptyCart()
        return cart_lines

    def take_products(self, wanted: dict[int, int]) -> dict[int, Product]:
        products = {p.pk: p for p in lock_products(wanted)}
        problems = _stock_problems(wanted=wanted, products=products)
        if problems:
            raise OutOfStock("; ".join(problems) + ".")
        return products

    def take_slot(self) -> tuple[Slot, dict[str, str]]:
        """The slot, with one place taken in it, and the delivery fields it needs."""
        slot = lock_slot(slot_id=self.slot_id)
        if slot is None:
            raise SlotUnavailable("There is no such slot.")
        slot_ensure_bookable(slot=slot, now=self.now)
        delivery = self.delivery(kind=slot.kind)
        slot_reserve(slot=slot)
        return slot, delivery

    def delivery(self, *, kind: str) -> dict[str, str]:
        """What the order copies of its address and of who answers the door: the profile's
        name and phone, or for a delivery the address's when the profile has none."""
        contact = {"contact_name": self.user.name, "contact_phone": str(self.user.phone or "")}
        if kind != Slot.Kind.DELIVERY:
            if self.address_id is not None:
                raise AddressInvalid(
                    "This is a pickup slot: orders collected in the shop take no address."
                )
            return contact
        if self.address_id is None:
            raise AddressInvalid("Choose a delivery address, or a pickup slot.")
        address = Address.objects.filter(pk=self.address_id, user=self.user).first()
        if address is None:
            raise AddressInvalid("There is no such address in your address book.")
        return {
            "delivery_address": address.as_text(),
            "delivery_postcode": address.postcode,
            "delivery_country": address.country.code,
            "delivery_instructions": address.instructions,
            "contact_name": contact["contact_name"] or address.recipient,
            "contact_phone": contact["contact_phone"] or str(address.phone or ""),
        }

    def delivery_area(self, *, kind: str, delivery: dict[str, str]) -> DeliveryQuote | None:
        """The delivery zone and fee of the postcode and country the order copies (one
        query for every zone and rule); None for pickup."""
        if kind != Slot.Kind.DELIVERY:
            return None
        return delivery_quote_for(
            postcode=delivery["delivery_postcode"], country=delivery["delivery_country"]
        )

    def take_coupon(self) -> Coupon | None:
        return _coupon_check(code=self.coupon_code, now=self.now) if self.coupon_code else None

    def create_order(
        self, *, slot: Slot, delivery: dict[str, str], coupon: Coupon | None, priced: pricing.Priced
    ) -> Order:
        pk = _order_pk_take()
        with order_door():
            return Order.objects.create(
                pk=pk,
                number=f"ORD-{timezone.localtime(self.now).year}-{pk:06d}",
                user=self.user,
                kind=slot.kind,
                slot=slot,
                **delivery,
                contact_email=self.user.email,
                coupon=coupon,
                coupon_code=coupon.code if coupon else "",
                currency=settings.SHOP_CURRENCY,
                placed_at=self.now,
                prices_include_tax=priced.prices_include_tax,
                subtotal=priced.subtotal,
                tax=priced.tax,
                delivery_fee=priced.delivery_fee,
                delivery_tax=priced.delivery_tax,
                discount=priced.discount,
                total=priced.total,
            )

    def create_lines(
        self,
        *,
        order: Order,
        products: dict[int, Product],
        bought: list[tuple[int, int]],
        priced: pricing.Priced,
    ) -> None:
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

    def use_stock(self, *, products: dict[int, Product], wanted: dict[int, int]) -> None:
        Product.objects.filter(pk__in=wanted).update(
            stock=Case(
                *(When(pk=pid, then=F("stock") - Value(qty)) for pid, qty in wanted.items()),
                default=F("stock"),
            )
        )
        # Cached catalogue replies may show a stock count up to CATALOGUE_CACHE_SECONDS old,
        # but never a sold-out product as for sale: only selling one out empties the cache.
        if any(products[pid].stock <= qty for pid, qty in wanted.items()):
            catalogue_changed()

    def use_coupon(self, coupon: Coupon | None) -> None:
        if coupon is None:
            return
        used = Coupon.objects.filter(pk=coupon.pk, uses__lt=F("max_uses")).update(
            uses=F("uses") + 1
        )
        if not used:
            raise CouponExhausted(f"The coupon {coupon.code} has been used up.")

    def record(self, *, order: Order, cart_lines: list[dict]) -> None:
        """The order's first event, the key that placed it, the emptied cart, and the news
        for other apps (orders.signals.order_changing: the notifications)."""
        OrderEvent.objects.create(
            order=order,
            actor=self.user,
            from_status="",
            to_status=order.status,
            note="Order placed.",
        )
        CheckoutRequest.objects.create(
            user=self.user, key=self.key, fingerprint=self.fingerprint, order=order
        )
        CartLine.objects.filter(pk__in=[line["pk"] for line in cart_lines]).delete()
        order_changing.send(
            sender=Order, order=order, from_status="", to_status=order.status, by=self.user, note=""
        )


def _order_pk_take() -> int:
    """The next order's primary key, taken before its INSERT so its number is written with
    it: PostgreSQL's identity sequence; on SQLite, whose writers run one at a time (this
    checkout already holds the write lock), the table's AUTOINCREMENT counter plus one."""
    table = Order._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
        else:
            cursor.execute(
                "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0) + 1",
                [table],
            )
        return cursor.fetchone()[0]
