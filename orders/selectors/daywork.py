"""Reads for the day's work: what to prepare, what goes in each bag, where the van goes.

Each read is one query (a slot's slips one more, for their lines; the prep list one more,
for the lines' messages), however many orders the day holds.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby

from django.db.models import Max, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from config.forms import FIRST_DAY, LAST_DAY
from orders.days import shop_day
from orders.food import FoodInformation
from orders.models import Order, OrderLine, Slot
from orders.models.orders import options_label
from orders.states import TO_DELIVER, TO_PREPARE

Status = Order.Status


def day_parse(value: str | None) -> date:
    """The day asked for as YYYY-MM-DD, in shop time; today when left out or empty.

    Raises ValueError saying what to send instead.
    """
    if not value:
        return timezone.localdate()
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise ValueError("Give a day as YYYY-MM-DD, for instance 2026-12-24.") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"Give a day between {FIRST_DAY} and {LAST_DAY}.")
    return day


@dataclass(frozen=True)
class PrepSlot:
    id: int
    kind: str
    starts_at: datetime
    ends_at: datetime

    def get_kind_display(self) -> str:
        return Slot.Kind(self.kind).label


@dataclass(frozen=True)
class PrepSlotQuantity:
    slot: PrepSlot
    quantity: int


@dataclass(frozen=True)
class PrepMessage:
    """A line's message to write on what is made ("Happy birthday Sam")."""

    order: str
    quantity: int
    message: str


@dataclass
class PrepProduct(FoodInformation):
    """A product with one set of chosen options (none for most): the sliced loaves and the
    whole ones are two rows to make."""

    sku: str
    name: str
    category: str
    category_position: int | None
    by_slot: list[PrepSlotQuantity] = field(default_factory=list)
    allergens_contains: int | None = None
    allergens_may_contain: int = 0
    options: list[dict] = field(default_factory=list)
    messages: list[PrepMessage] = field(default_factory=list)

    @property
    def quantity(self) -> int:
        return sum(part.quantity for part in self.by_slot)

    @property
    def options_label(self) -> str:
        return options_label(self.options)


def _options_key(options: list[dict]) -> tuple[tuple[str, str], ...]:
    """The options as a prep row tells them apart: the group and choice names, not the
    price they were sold at."""
    return tuple((option["group"], option["choice"]) for option in options or [])


@dataclass(frozen=True)
class PrepList:
    day: date
    slots: list[PrepSlot]
    products: list[PrepProduct]

    @property
    def quantity(self) -> int:
        return sum(product.quantity for product in self.products)


UNCATEGORISED = "Other"


def prep_list(*, day: date) -> PrepList:
    """Every product to prepare for the day's paid and preparing orders, per slot and in all,
    a row per product and chosen options, with the lines' messages; in two queries.

    Products are sorted by category (its position, then name), name and options; a line
    whose product was since deleted counts under its SKU and the name it was sold under, in
    "Other".
    """
    start, end = shop_day(day)
    lines = OrderLine.objects.filter(
        order__status__in=TO_PREPARE,
        order__slot__starts_at__gte=start,
        order__slot__starts_at__lt=end,
    )
    rows = (
        lines.values(
            "sku",
            "options",
            "order__slot_id",
            "order__slot__kind",
            "order__slot__starts_at",
            "order__slot__ends_at",
        )
        .annotate(
            quantity=Sum("quantity"),
            name=Coalesce(Max("product__name"), Max("product_name")),
            category=Max("product__category__name"),
            category_position=Max("product__category__position"),
            product_contains=Max("product__allergens_contains"),
            product_may_contain=Max("product__allergens_may_contain"),
            sold_contains=Max("allergens_contains"),
            sold_may_contain=Max("allergens_may_contain"),
        )
        .order_by()
    )
    slots: dict[int, PrepSlot] = {}
    products: dict[tuple, PrepProduct] = {}
    by_slot: dict[tuple, int] = defaultdict(int)
    for row in rows:
        slot = slots.setdefault(
            row["order__slot_id"],
            PrepSlot(
                id=row["order__slot_id"],
                kind=row["order__slot__kind"],
                starts_at=row["order__slot__starts_at"],
                ends_at=row["order__slot__ends_at"],
            ),
        )
        key = (row["sku"], _options_key(row["options"]))
        products.setdefault(
            key,
            PrepProduct(
                sku=row["sku"],
                name=row["name"],
                category=row["category"] or UNCATEGORISED,
                category_position=row["category_position"],
                **_allergens_of_row(row),
                options=[{"group": g, "choice": c} for g, c in key[1]],
            ),
        )
        by_slot[key, slot.id] += row["quantity"]
    for (key, slot_id), quantity in by_slot.items():
        products[key].by_slot.append(PrepSlotQuantity(slot=slots[slot_id], quantity=quantity))
    for line in (
        lines.exclude(message="")
        .values("sku", "options", "message", "quantity", "order__number")
        .order_by("order__slot__starts_at", "order__number", "pk")
    ):
        product = products.get((line["sku"], _options_key(line["options"])))
        if product is not None:
            product.messages.append(
                PrepMessage(line["order__number"], line["quantity"], line["message"])
            )

    def slot_order(slot: PrepSlot):
        return (slot.starts_at, slot.kind, slot.id)

    for product in products.values():
        product.by_slot.sort(key=lambda part: slot_order(part.slot))
    return PrepList(
        day=day,
        slots=sorted(slots.values(), key=slot_order),
        products=sorted(
            products.values(),
            key=lambda p: (
                p.category_position is None,
                p.category_position or 0,
                p.category.casefold(),
                p.name.casefold(),
                p.sku,
                p.options_label.casefold(),
            ),
        ),
    )


def _allergens_of_row(row: dict) -> dict:
    """The product's allergens as they are now, or as sold when it has none recorded (or
    was deleted)."""
    if row["product_contains"] is not None:
        return {
            "allergens_contains": row["product_contains"],
            "allergens_may_contain": row["product_may_contain"],
        }
    return {
        "allergens_contains": row["sold_contains"],
        "allergens_may_contain": row["sold_may_contain"] or 0,
    }


def order_slip(*, number: str) -> Order | None:
    """The order for its packing slip, with its slot and lines."""
    return (
        Order.objects.select_related("slot").prefetch_related("lines").filter(number=number).first()
    )


def slot_slips(*, slot: Slot) -> list[Order]:
    """The slot's orders to pack (paid or being prepared), in the order the van drops them
    (by postcode; pickup orders by when they were placed), with their lines."""
    return list(
        Order.objects.filter(slot=slot, status__in=TO_PREPARE)
        .select_related("slot")
        .prefetch_related("lines")
        .order_by("delivery_postcode", "placed_at", "pk")
    )


def delivery_runs(*, day: date) -> list[tuple[Slot, list[Order]]]:
    """The day's delivery orders still to take out, grouped by slot (in time order) and
    sorted by postcode within each, each with its number of items (`items`)."""
    start, end = shop_day(day)
    orders: QuerySet[Order] = (
        Order.objects.filter(
            kind=Order.Kind.DELIVERY,
            status__in=TO_DELIVER,
            slot__starts_at__gte=start,
            slot__starts_at__lt=end,
        )
        .select_related("slot")
        .annotate(items=Sum("lines__quantity"))
        .order_by("slot__starts_at", "slot_id", "delivery_postcode", "number")
    )
    return [(slot, list(group)) for slot, group in groupby(orders, key=lambda o: o.slot)]
