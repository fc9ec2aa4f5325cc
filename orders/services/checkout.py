"""Checkout: turn the customer's cart into a `pending_payment` order, all or nothing.

The money (tax-inclusive or tax-exclusive prices, the coupon spread over the lines, tax per
line, the delivery fee and its tax) is priced by orders/pricing.py; `order_price` feeds it
the shop's settings, and checkout stores each line's discount, net, tax and gross.
"""

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Exists, F, OuterRef, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Address, User
from accounts.services import user_ensure_verified
from config import metrics
from config.languages import language_current
from orders import pricing
from orders.delivery import DeliveryQuote
from orders.errors import (
    AddressInvalid,
    CouponExhausted,
    EmptyCart,
    GuestCheckoutOff,
    IdempotencyKeyInvalid,
    IdempotencyKeyReused,
    OptionsInvalid,
    OutOfStock,
    SlotUnavailable,
    TooManyOpenOrders,
)
from orders.models import (
    CartLine,
    CheckoutRequest,
    Coupon,
    OptionChoice,
    Order,
    OrderEvent,
    OrderLine,
    Product,
    Slot,
)
from orders.models.orders import order_door, orders_of_email
from orders.options import Chosen, line_options, note_clean
from orders.policy import Actor, GuestAccess
from orders.pricing import LineIn
from orders.selectors.options import option_groups_of
from orders.services.catalogue import catalogue_changed
from orders.services.coupons import coupon_usable
from orders.services.delivery import delivery_ensure, delivery_quote_for
from orders.services.food import products_ensure_sellable
from orders.services.guests import GuestDetails, guest_details_clean
from orders.services.locks import (
    lock_cart,
    lock_coupon,
    lock_guest,
    lock_guest_cart,
    lock_products,
    lock_slot,
    lock_user,
)
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
            name = product.name if product else _("A product in your cart")
            problems.append(_("%(name)s: no longer available") % {"name": name})
        elif product.stock < quantity:
            values = {"name": product.name, "stock": product.stock}
            left = (
                _("%(name)s: only %(stock)s left") if product.stock else _("%(name)s: out of stock")
            )
            problems.append(left % values)
    return problems


@metrics.refusals_counted
def checkout_place(
    *,
    user: User,
    slot_id: int,
    address_id: int | None,
    coupon_code: str = "",
    idempotency_key: str,
    note: object = "",
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
        note=note_clean(note),
    )
    user_ensure_verified(user=user)
    # A stopped expiry worker must not lock a customer out: their own overdue orders go
    # first, each in its own transaction. Expiring locks an order, its products and its
    # slot, so it must never run inside this checkout, after its user and before its cart.
    orders_expire_unpaid(user=user, now=checkout.now)
    return checkout.place()


@metrics.refusals_counted
def checkout_place_as_guest(
    *,
    cart_id: int | None,
    email: object,
    name: object,
    phone: object,
    address: dict | None,
    slot_id: int,
    coupon_code: str = "",
    idempotency_key: str,
    note: object = "",
) -> tuple[Order, bool]:
    """Place an order from a guest's cart (found through their session) when GUEST_CHECKOUT
    is on: the same steps as checkout_place (GuestCheckout), with the guest's email, name,
    phone and, for a delivery, an address written at checkout. Returns (order, created).

    The Idempotency-Key is scoped to the guest's cart and email; the open-orders limit
    counts the email's guest orders and the orders of an account with that email.
    """
    if not settings.GUEST_CHECKOUT:
        raise GuestCheckoutOff(_("Please sign in or create an account to check out."))
    key = idempotency_key_clean(idempotency_key)
    guest = guest_details_clean(email=email, name=name, phone=phone, address=address)
    if cart_id is None:
        raise EmptyCart()
    checkout = GuestCheckout(
        user=None,
        slot_id=slot_id,
        address_id=None,
        coupon_code=(coupon_code or "").strip(),
        key=key,
        now=timezone.now(),
        note=note_clean(note),
        guest=guest,
        cart_id=cart_id,
    )
    # As for a customer: the email's overdue orders expire first, outside this checkout.
    orders_expire_unpaid(email=guest.email, now=checkout.now)
    return checkout.place()


@dataclass(frozen=True)
class Bought:
    """One cart line as checkout prices it: the choices and unit price as they stand now."""

    product_id: int
    quantity: int
    chosen: list[Chosen]
    unit_price: Decimal
    message: str


@dataclass
class Checkout:
    """One checkout, as the steps it takes (django-oscar's OrderCreator): each step locks
    what it reads in the order of orders/services/locks.py and raises before any write."""

    user: User | None
    slot_id: int
    address_id: int | None
    coupon_code: str
    key: str
    now: datetime
    note: str = ""

    @property
    def fingerprint(self) -> str:
        return f"slot={self.slot_id};address={self.address_id};coupon={self.coupon_code.upper()}"

    @transaction.atomic
    def place(self) -> tuple[Order, bool]:
        self.lock_customer()
        previous = self.previous_order()
        if previous is not None:
            return previous, False
        self.ensure_few_open_orders()
        cart_lines = self.take_cart()
        wanted: dict[int, int] = defaultdict(int)
        for line in cart_lines:
            wanted[line["product_id"]] += line["quantity"]
        products = self.take_products(wanted)
        bought = self.choices(cart_lines=cart_lines, products=products)
        slot, delivery = self.take_slot()
        coupon = self.take_coupon()
        quote = self.delivery_area(kind=slot.kind, delivery=delivery)
        priced = order_price(
            lines=[
                LineIn(line.unit_price, products[line.product_id].tax_rate, line.quantity)
                for line in bought
            ],
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

    def lock_customer(self) -> None:
        # One user's checkouts run one at a time: a repeated key waits here for the first
        # request to commit, then finds its order; the open-orders count cannot race.
        lock_user(user_id=self.user.pk)

    def requests(self):
        """The CheckoutRequests of this customer's keys."""
        return CheckoutRequest.objects.filter(user=self.user)

    def previous_order(self) -> Order | None:
        """The order this idempotency key already placed, or None; a key sent again with
        another slot, address or coupon is refused."""
        previous = self.requests().filter(key=self.key).select_related("order").first()
        if previous is None:
            return None
        if previous.fingerprint != self.fingerprint:
            raise IdempotencyKeyReused(
                "This checkout was already placed with a different slot, address or coupon: "
                "start a new checkout (with a new Idempotency-Key) to place another order."
            )
        return previous.order

    def open_orders(self):
        return Order.objects.filter(user=self.user)

    def ensure_few_open_orders(self) -> None:
        open_orders = self.open_orders().filter(status=Order.Status.PENDING_PAYMENT).count()
        if open_orders >= settings.MAX_OPEN_ORDERS:
            raise TooManyOpenOrders(
                _(
                    "You already have %(count)s orders waiting for payment: pay for or cancel "
                    "one of them before placing another (at most %(max)s)."
                )
                % {"count": open_orders, "max": settings.MAX_OPEN_ORDERS},
                field="orders",
            )

    def take_cart(self) -> list[dict]:
        """The cart's lines, under the cart's row lock (the one the cart services take), so a
        quantity changed during checkout is either in this order or still in the cart."""
        cart = self.lock_cart()
        cart_lines = (
            list(
                CartLine.objects.filter(cart=cart).values(
                    "pk", "product_id", "quantity", "choices_key", "message"
                )
            )
            if cart
            else []
        )
        if not cart_lines:
            raise EmptyCart()
        return cart_lines

    def lock_cart(self):
        return lock_cart(user_id=self.user.pk)

    def take_products(self, wanted: dict[int, int]) -> dict[int, Product]:
        has_options = Exists(OptionChoice.objects.filter(group__product=OuterRef("pk")))
        products = {p.pk: p for p in lock_products(wanted).annotate(has_options=has_options)}
        problems = _stock_problems(wanted=wanted, products=products)
        if problems:
            raise OutOfStock("; ".join(problems) + ".")
        products_ensure_sellable(products=products.values(), field="lines")
        return products

    def choices(self, *, cart_lines: list[dict], products: dict[int, Product]) -> list[Bought]:
        """Each cart line with its choices and unit price as the catalogue stands now; a
        line whose product's options changed since it was added is refused (in one query
        for every line, none when no product has options)."""
        groups = option_groups_of(product_ids=[pk for pk, p in products.items() if p.has_options])
        bought, changed = [], []
        for line in cart_lines:
            product = products[line["product_id"]]
            ids = [int(part) for part in line["choices_key"].split(",") if part]
            found = line_options(product=product, groups=groups.get(product.pk, []), choice_ids=ids)
            if found is None:
                changed.append(product.name)
                continue
            chosen, price = found
            bought.append(Bought(product.pk, line["quantity"], chosen, price, line["message"]))
        if changed:
            raise OptionsInvalid(
                _("The options of %(products)s changed: remove and add again.")
                % {"products": ", ".join(changed)}
            )
        return bought

    def take_slot(self) -> tuple[Slot, dict[str, str]]:
        """The slot, with one place taken in it, and the delivery fields it needs."""
        slot = lock_slot(slot_id=self.slot_id)
        if slot is None:
            raise SlotUnavailable(_("There is no such slot."))
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
                    _("This is a pickup slot: orders collected in the shop take no address.")
                )
            return contact
        if self.address_id is None:
            raise AddressInvalid(_("Choose a delivery address, or a pickup slot."))
        address = Address.objects.filter(pk=self.address_id, user=self.user).first()
        if address is None:
            raise AddressInvalid(_("There is no such address in your address book."))
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
                kind=slot.kind,
                slot=slot,
                **delivery,
                **self.customer(),
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
                note=self.note,
            )

    def customer(self) -> dict:
        """Whose the order is, as its fields."""
        return {"user": self.user, "contact_email": self.user.email}

    def create_lines(
        self,
        *,
        order: Order,
        products: dict[int, Product],
        bought: list[Bought],
        priced: pricing.Priced,
    ) -> None:
        OrderLine.objects.bulk_create(
            OrderLine(
                order=order,
                product=products[item.product_id],
                product_name=products[item.product_id].name,
                sku=products[item.product_id].sku,
                unit_price=line.unit_price,
                tax_rate=line.tax_rate,
                quantity=line.quantity,
                line_total=line.amount,
                discount=line.discount,
                net=line.net,
                tax=line.tax,
                gross=line.gross,
                allergens_contains=products[item.product_id].allergens_contains,
                allergens_may_contain=products[item.product_id].allergens_may_contain,
                options=[chosen.as_copy() for chosen in item.chosen],
                message=item.message,
            )
            for item, line in zip(bought, priced.lines, strict=True)
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
        by = self.actor(order)
        OrderEvent.objects.create(
            order=order,
            actor=self.user,
            by_guest=isinstance(by, GuestAccess),
            from_status="",
            to_status=order.status,
            note="Order placed.",
        )
        CheckoutRequest.objects.create(
            **self.request_scope(), key=self.key, fingerprint=self.fingerprint, order=order
        )
        CartLine.objects.filter(pk__in=[line["pk"] for line in cart_lines]).delete()
        order_changing.send(
            sender=Order, order=order, from_status="", to_status=order.status, by=by, note=""
        )

    def actor(self, order: Order) -> Actor:
        return self.user

    def request_scope(self) -> dict:
        return {"user": self.user}


@dataclass(kw_only=True)
class GuestCheckout(Checkout):
    """A guest's checkout: Checkout's steps, with the guest's variant where a step reads
    the user (the lock, the keys, the open orders, the cart, the address and contact, whose
    the order is). `user` is None."""

    guest: GuestDetails
    cart_id: int

    @property
    def fingerprint(self) -> str:
        address = self.guest.address
        written = "|".join(
            [
                self.guest.name,
                self.guest.phone,
                address.as_text() if address else "",
                address.instructions if address else "",
            ]
        )
        digest = hashlib.sha256(written.encode()).hexdigest()[:32]
        return f"slot={self.slot_id};guest={digest};coupon={self.coupon_code.upper()}"

    @property
    def scope(self) -> str:
        return f"cart={self.cart_id};email={self.guest.email}"

    def lock_customer(self) -> None:
        lock_guest(email=self.guest.email)

    def requests(self):
        return CheckoutRequest.objects.filter(user__isnull=True, guest=self.scope)

    def open_orders(self):
        return Order.objects.filter(orders_of_email(email=self.guest.email))

    def lock_cart(self):
        return lock_guest_cart(cart_id=self.cart_id)

    def delivery(self, *, kind: str) -> dict[str, str]:
        """The same order fields a customer's address book fills, from the address the guest
        wrote (so every later step that reads them, such as delivery areas, applies)."""
        contact = {"contact_name": self.guest.name, "contact_phone": self.guest.phone}
        address = self.guest.address
        if kind != Slot.Kind.DELIVERY:
            if address is not None:
                raise AddressInvalid(
                    _("This is a pickup slot: orders collected in the shop take no address.")
                )
            return contact
        if address is None:
            raise AddressInvalid(_("Enter a delivery address, or choose a pickup slot."))
        return {
            "delivery_address": address.as_text(),
            "delivery_postcode": address.postcode,
            "delivery_country": address.country.code,
            "delivery_instructions": address.instructions,
            **contact,
        }

    def customer(self) -> dict:
        return {
            "user": None,
            "guest_email": self.guest.email,
            "contact_email": self.guest.email,
            # Their emails, sent later by workers, are written in the language they read now.
            "guest_language": language_current(),
        }

    def actor(self, order: Order) -> Actor:
        return GuestAccess(order_id=order.pk)

    def request_scope(self) -> dict:
        return {"user": None, "guest": self.scope}


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
