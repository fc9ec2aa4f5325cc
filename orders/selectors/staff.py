"""Reads for the staff pages: a day's orders for the board, and the sales dashboard's figures.

Every figure is one database aggregate, so the number of queries stays the same whatever the
number of orders.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, F, Max, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from orders.days import shop_day
from orders.models import Order, OrderLine, Product
from orders.states import ON_BOARD, SOLD

Status = Order.Status
DASHBOARD_DAYS = 30


def _start_of(day: date) -> datetime:
    return shop_day(day)[0]


def orders_sold(*, start: datetime, end: datetime) -> QuerySet[Order]:
    """The sales paid in [start, end): the dashboard, the daily report and its CSV count these."""
    return Order.objects.filter(status__in=SOLD, paid_at__gte=start, paid_at__lt=end)


def board_orders(*, day: date) -> QuerySet[Order]:
    """The day's paid orders (and those cancelled or done), in slot order, with their lines."""
    start, end = shop_day(day)
    return (
        Order.objects.filter(
            slot__starts_at__gte=start, slot__starts_at__lt=end, status__in=ON_BOARD
        )
        .select_related("slot")
        .prefetch_related("lines")
        .order_by("slot__starts_at", "slot__kind", "slot_id", "placed_at", "pk")
    )


@dataclass(frozen=True)
class SalesDay:
    day: date
    orders: int
    total: Decimal


def sales_by_day(*, today: date, days: int = DASHBOARD_DAYS) -> list[SalesDay]:
    """Paid orders and their total per day (shop time) for the `days` days ending today."""
    first = today - timedelta(days=days - 1)
    rows = (
        orders_sold(start=_start_of(first), end=shop_day(today)[1])
        .annotate(day=TruncDate("paid_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(orders=Count("pk"), total=Sum(F("total") - F("refunded")))
        .order_by("day")
    )
    found = {row["day"]: row for row in rows}
    result = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        row = found.get(day, {"orders": 0, "total": Decimal("0.00")})
        result.append(SalesDay(day=day, orders=row["orders"], total=row["total"]))
    return result


def top_products(*, today: date, days: int = DASHBOARD_DAYS, limit: int = 10) -> list[dict]:
    """The products sold most (by quantity) in paid orders of the last `days` days."""
    first = today - timedelta(days=days - 1)
    return list(
        OrderLine.objects.filter(
            order__status__in=SOLD,
            order__paid_at__gte=_start_of(first),
            order__paid_at__lt=shop_day(today)[1],
        )
        .values("sku")
        .annotate(name=Max("product_name"), quantity=Sum("quantity"), revenue=Sum("line_total"))
        .order_by("-quantity", "-revenue", "sku")[:limit]
    )


def low_stock(*, limit: int = 15) -> list[Product]:
    """Active products at or under their low-stock threshold, the emptiest first."""
    return list(
        Product.objects.filter(is_active=True, stock__lte=F("low_stock_threshold"))
        .only("pk", "name", "sku", "stock", "low_stock_threshold")
        .order_by("stock", "name")[:limit]
    )


def orders_per_status(*, today: date, days: int = DASHBOARD_DAYS) -> list[tuple[str, int]]:
    """How many orders placed in the last `days` days are in each status (every status listed)."""
    first = today - timedelta(days=days - 1)
    counts = dict(
        Order.objects.filter(placed_at__gte=_start_of(first))
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return [(label, counts.get(value, 0)) for value, label in Status.choices]
