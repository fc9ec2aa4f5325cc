"""Coupons, orders, their lines and timeline, and the checkout idempotency keys."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.validators import single_line
from orders.food import FoodInformation
from orders.models.catalogue import (
    MESSAGE_MAX_LENGTH,
    Product,
    allergen_constraints,
    allergen_fields,
)
from orders.models.slots import Slot


class Coupon(models.Model):
    """A discount code. `uses` counts the orders that used it; it never passes `max_uses`."""

    class Kind(models.TextChoices):
        PERCENT = "percent", _("Percent of the subtotal")
        FIXED = "fixed", _("Fixed amount")

    code = models.CharField(
        max_length=32, help_text="Customers type it in any case.", validators=[single_line]
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PERCENT)
    value = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="A percentage (10 is 10%) or an amount in the shop currency.",
    )
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    max_uses = models.PositiveIntegerField(default=100)
    uses = models.PositiveIntegerField(default=0, editable=False)
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(Lower("code"), name="coupon_code_unique_any_case"),
            models.CheckConstraint(
                condition=Q(uses__lte=models.F("max_uses")), name="coupon_uses_within_max"
            ),
            models.CheckConstraint(condition=Q(value__gt=0), name="coupon_value_positive"),
            models.CheckConstraint(
                condition=~Q(kind="percent") | Q(value__lte=100), name="coupon_percent_at_most_100"
            ),
        ]

    def __str__(self):
        return self.code


ORDER_NOTE_MAX_LENGTH = 500

# An order's state and money: written only by orders.services (checkout creates them,
# order_transition moves them), never by a form, an admin save or a stray update().
GUARDED_FIELDS = frozenset(
    {
        "status",
        "subtotal",
        "tax",
        "delivery_fee",
        "discount",
        "total",
        "delivery_tax",
        "prices_include_tax",
        "currency",
        "coupon",
        "coupon_id",
        "coupon_code",
        "paid_at",
        "refunded",
    }
)
_inside_the_door: ContextVar[bool] = ContextVar("orders_inside_the_door", default=False)


@contextmanager
def order_door() -> Iterator[None]:
    """The one door: orders.services wrap their writes of GUARDED_FIELDS in it."""
    token = _inside_the_door.set(True)
    try:
        yield
    finally:
        _inside_the_door.reset(token)


def _guard(fields: Iterable[str]) -> None:
    written = GUARDED_FIELDS.intersection(fields)
    if written and not _inside_the_door.get():
        raise ImproperlyConfigured(
            f"Order {', '.join(sorted(written))}: only orders.services write these "
            "(order_transition, checkout), inside orders.models.order_door()."
        )


class OrderQuerySet(models.QuerySet):
    def update(self, **kwargs):
        _guard(kwargs)
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, batch_size=None):
        _guard(fields)
        return super().bulk_update(objs, fields, batch_size=batch_size)

    def bulk_create(self, objs, *args, **kwargs):
        _guard(GUARDED_FIELDS)
        return super().bulk_create(objs, *args, **kwargs)


def orders_of_email(*, email: str) -> Q:
    """The orders a guest checkout with `email` (lower case) counts as theirs: the guest
    orders placed with it and the orders of an account with that email."""
    return Q(guest_email=email) | Q(user__email__iexact=email)


class Order(models.Model):
    """A placed order. Its status and money (GUARDED_FIELDS) are written by orders.services
    only: checkout creates it and orders.services.transitions.order_transition moves it."""

    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", _("Waiting for payment")
        PAID = "paid", _("Paid")
        PREPARING = "preparing", _("Being prepared")
        READY = "ready", _("Ready for pickup")
        OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")
        REFUNDED = "refunded", _("Refunded")

    Kind = Slot.Kind

    number = models.CharField(max_length=40, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        help_text="Empty for a guest's order until they verify its email on an account.",
    )
    guest_email = models.EmailField(
        blank=True,
        editable=False,
        help_text="Placed by a guest with this email (lower case); kept once claimed.",
    )
    guest_language = models.CharField(
        max_length=8,
        blank=True,
        editable=False,
        help_text="The language a guest checked out in: their emails are written in it.",
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING_PAYMENT, editable=False
    )
    kind = models.CharField(max_length=10, choices=Slot.Kind.choices)
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="orders")
    delivery_address = models.TextField(blank=True, help_text="Copied from the customer's address.")
    delivery_postcode = models.CharField(
        max_length=16,
        blank=True,
        help_text="The address's postcode: delivery runs sort by it.",
        validators=[single_line],
    )
    delivery_country = models.CharField(
        max_length=2,
        blank=True,
        help_text="The address's country code; with the postcode it chose the delivery zone.",
    )
    delivery_zone = models.ForeignKey(
        "orders.DeliveryZone",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
        help_text="The zone that delivered it, while the zone exists.",
    )
    delivery_zone_name = models.CharField(
        max_length=100,
        blank=True,
        help_text="The zone's name when the order was placed; later edits leave it alone.",
        validators=[single_line],
    )
    delivery_instructions = models.CharField(
        max_length=300,
        blank=True,
        help_text="The address's instructions for the driver.",
        validators=[single_line],
    )
    contact_name = models.CharField(max_length=150, blank=True, validators=[single_line])
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=32, blank=True, validators=[single_line])
    coupon = models.ForeignKey(
        Coupon, on_delete=models.SET_NULL, null=True, blank=True, related_name="orders"
    )
    coupon_code = models.CharField(max_length=32, blank=True, validators=[single_line])
    subtotal = models.DecimalField(max_digits=10, decimal_places=2)
    tax = models.DecimalField(max_digits=10, decimal_places=2)
    delivery_fee = models.DecimalField(max_digits=10, decimal_places=2)
    discount = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))
    total = models.DecimalField(
        max_digits=10, decimal_places=2, help_text="What the customer pays, tax and fee included."
    )
    delivery_tax = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        help_text="The tax in (or on) the delivery fee; part of tax.",
    )
    prices_include_tax = models.BooleanField(
        default=True,
        help_text="Placed with tax-inclusive prices (incl. VAT) or with tax added on top.",
    )
    refunded = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        editable=False,
        help_text="What was given back of the total; sales figures count total - refunded.",
    )
    currency = models.CharField(max_length=3)
    note = models.TextField(
        _("note"),
        max_length=ORDER_NOTE_MAX_LENGTH,
        blank=True,
        help_text=_("The customer's note for the shop, written at checkout."),
    )
    placed_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at", "-pk"]
        permissions = [
            ("fulfil_order", "Can move orders through fulfilment and cancel them"),
            ("refund_order", "Can refund paid orders"),
            ("view_sales_dashboard", "Can see the sales dashboard"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_not_negative"),
            models.CheckConstraint(
                condition=Q(discount__gte=0), name="order_discount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(refunded__gte=0, refunded__lte=models.F("total")),
                name="order_refunded_within_total",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(guest_email=""),
                name="order_has_a_customer_or_guest_email",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "status"], name="order_user_status"),
            models.Index(
                fields=["guest_email", "status"],
                condition=~Q(guest_email=""),
                name="order_guest_email_status",
            ),
            models.Index(fields=["status", "placed_at"], name="order_status_placed_at"),
            models.Index(fields=["slot", "status"], name="order_slot_status"),
        ]

    def __str__(self):
        return self.number

    def save(self, **kwargs):
        """Refuses (ImproperlyConfigured) to write GUARDED_FIELDS outside order_door():
        a whole-row save does, so other code saves with update_fields of what it edits."""
        update_fields = kwargs.get("update_fields")
        _guard(GUARDED_FIELDS if update_fields is None else update_fields)
        super().save(**kwargs)

    def get_absolute_url(self):
        return reverse("order_detail", kwargs={"number": self.number})

    @property
    def is_guest(self) -> bool:
        """Placed by a guest and not (yet) claimed by an account."""
        return self.user_id is None

    @property
    def pay_url(self) -> str:
        return f"/api/v1/orders/{self.number}/pay/"


class OrderLine(FoodInformation, models.Model):
    """What was bought, copied from the product at checkout so later catalogue edits leave it.

    net + tax = gross; the order's subtotal, discount, tax and total are sums of its lines'
    line_total, discount, tax and gross (plus the delivery fee and its tax).
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    product_name = models.CharField(max_length=200, validators=[single_line])
    sku = models.CharField("SKU", max_length=32, validators=[single_line])
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=4)
    quantity = models.PositiveSmallIntegerField()
    line_total = models.DecimalField(
        max_digits=10, decimal_places=2, help_text="Unit price x quantity, before the discount."
    )
    discount = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        help_text="This line's share of the coupon.",
    )
    net = models.DecimalField(max_digits=10, decimal_places=2, help_text="After the discount.")
    tax = models.DecimalField(max_digits=10, decimal_places=2)
    gross = models.DecimalField(
        max_digits=10, decimal_places=2, help_text="What the customer pays for this line."
    )
    # The product's allergens as sold, for the slip handed over with the goods.
    allergens_contains, allergens_may_contain = allergen_fields()
    options = models.JSONField(
        default=list,
        blank=True,
        help_text=_(
            "The choices as bought: [{group, choice, price_change}]; unit_price includes them."
        ),
    )
    message = models.CharField(max_length=MESSAGE_MAX_LENGTH, blank=True, default="")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="order_line_quantity_positive"
            ),
            # net + tax = gross is pricing's rule, not a constraint: SQLite compares
            # decimal sums as floats.
            models.CheckConstraint(
                condition=Q(net__gte=0, tax__gte=0, gross__gte=0),
                name="order_line_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(discount__gte=0, discount__lte=models.F("line_total")),
                name="order_line_discount_within_line_total",
            ),
            *allergen_constraints("order_line"),
        ]

    def __str__(self):
        return f"{self.quantity} x {self.product_name}"

    @property
    def options_label(self) -> str:
        """ "Size: 8 inch, Slicing: sliced", as bought."""
        return options_label(self.options)


def options_label(options: Iterable[dict]) -> str:
    return ", ".join(f"{option['group']}: {option['choice']}" for option in options)


class OrderEvent(models.Model):
    """One change of an order's status: the audit trail and the customer's timeline."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the system made the change (payment, expiry).",
    )
    by_guest = models.BooleanField(
        default=False, help_text="Made by the guest who placed the order (through their link)."
    )
    from_status = models.CharField(max_length=20, choices=Order.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Order.Status.choices)
    note = models.CharField(max_length=500, blank=True, validators=[single_line])
    created_at = models.DateTimeField(default=timezone.now)

    # Who made the change, as the timeline and the API name it.
    ACTED_BY = ("customer", "staff", "system")

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.order_id}: {self.from_status or 'new'} → {self.to_status}"

    @property
    def acted_by(self) -> str:
        """ "system" (no actor), "customer" (the order's own customer) or "staff" (anyone else)."""
        if self.by_guest:
            return "customer"
        if self.actor_id is None:
            return "system"
        return "customer" if self.actor_id == self.order.user_id else "staff"


class CheckoutRequest(models.Model):
    """An Idempotency-Key a user (or a guest: `guest`, their session's cart and email) sent
    with a checkout, and the order it created.

    Written in the checkout's own transaction, so a key whose checkout failed can be retried.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    guest = models.CharField(
        max_length=300, blank=True, help_text="A guest's scope: their cart and email."
    )
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=200, help_text="The request it was sent with.")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="checkout_request_key_per_user"),
            models.UniqueConstraint(
                fields=["guest", "key"],
                condition=Q(user__isnull=True),
                name="checkout_request_key_per_guest",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(guest=""),
                name="checkout_request_user_or_guest",
            ),
        ]

    def __str__(self):
        return f"{self.key} → {self.order_id}"
