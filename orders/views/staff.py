"""The staff pages: the order board (orders.fulfil_order) and the sales dashboard (managers)."""

from datetime import date, timedelta
from decimal import Decimal
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import BadRequest, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from config.errors import ApplicationError
from config.forms import DayField
from orders import permissions
from orders.models import Order
from orders.selectors.staff import (
    board_orders,
    low_stock,
    orders_per_status,
    sales_by_day,
    top_products,
)
from orders.services.transitions import order_advance, order_next_status

BOARD_REFRESH_SECONDS = 15
# The board's button, named for what the person clicking has just done.
NEXT_ACTIONS = {
    Order.Status.PREPARING: gettext_lazy("Start preparing"),
    Order.Status.READY: gettext_lazy("Mark ready for pickup"),
    Order.Status.OUT_FOR_DELIVERY: gettext_lazy("Send out for delivery"),
    Order.Status.COMPLETED: gettext_lazy("Mark completed"),
}
# What the board says once the click went through, one sentence per status it leads to
# (a status name lowercased in a sentence reads wrong in German).
MOVED_MESSAGES = {
    Order.Status.PREPARING: gettext_lazy("Order %(number)s is now being prepared."),
    Order.Status.READY: gettext_lazy("Order %(number)s is now ready for pickup."),
    Order.Status.OUT_FOR_DELIVERY: gettext_lazy("Order %(number)s is now out for delivery."),
    Order.Status.COMPLETED: gettext_lazy("Order %(number)s is now completed."),
}

# The sales chart's drawing area, in SVG user units (it scales to the page width).
CHART_WIDTH, CHART_HEIGHT = 760, 240
CHART_LEFT, CHART_BOTTOM, CHART_TOP = 56, 28, 12


def _day_from(value: str | None) -> date:
    if not value:
        return timezone.localdate()
    try:
        return DayField().clean(value)
    except ValidationError as error:
        raise BadRequest(f"date: {error.messages[0]}") from None


def _board_url(day: date) -> str:
    return f"{reverse('staff_board')}?date={day.isoformat()}"


@login_required
@permission_required(permissions.FULFIL, raise_exception=True)
def board(request):
    """A day's orders grouped by slot; each card has one button to its next state."""
    day = _day_from(request.GET.get("date"))
    orders = list(board_orders(day=day))
    for order in orders:
        next_status = order_next_status(order=order)
        order.next_label = NEXT_ACTIONS.get(next_status, "")
    slots = [(slot, list(group)) for slot, group in groupby(orders, key=lambda o: o.slot)]
    context = {
        "day": day,
        "today": timezone.localdate(),
        "previous_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1),
        "slots": slots,
        "order_count": len(orders),
        "refresh_seconds": BOARD_REFRESH_SECONDS,
    }
    template = "staff/_board.html" if request.headers.get("HX-Request") else "staff/board.html"
    return render(request, template, context)


@require_POST
@login_required
@permission_required(permissions.FULFIL, raise_exception=True)
def board_advance(request, number: str):
    """Move the order one step on, if it is still in the status the button was shown for."""
    order = get_object_or_404(Order, number=number)
    day = _day_from(request.POST.get("date"))
    try:
        moved = order_advance(
            order=order,
            from_status=request.POST.get("from_status", ""),
            by=request.user,
            note="From the staff board.",
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        moved_message = MOVED_MESSAGES.get(moved.status, _("Order %(number)s is now %(status)s."))
        messages.success(
            request,
            moved_message % {"number": moved.number, "status": moved.get_status_display().lower()},
        )
    return redirect(_board_url(day))


def _money_ticks(top: Decimal) -> list[Decimal]:
    """0, a half and the top of the y axis, with a top that reads as a round number."""
    if top <= 0:
        return [Decimal(0), Decimal(50), Decimal(100)]
    magnitude = Decimal(10) ** (len(str(int(top))) - 1)
    rounded = ((top / magnitude).to_integral_value(rounding="ROUND_CEILING")) * magnitude
    return [Decimal(0), rounded / 2, rounded]


def _sales_chart(days) -> dict:
    """Bars and axis labels for the server-rendered SVG chart of sales per day."""
    ticks = _money_ticks(max((d.total for d in days), default=Decimal(0)))
    plot_width = CHART_WIDTH - CHART_LEFT - 8
    plot_height = CHART_HEIGHT - CHART_BOTTOM - CHART_TOP
    step = plot_width / len(days)
    baseline = CHART_TOP + plot_height
    bars = []
    for index, day in enumerate(days):
        height = float(day.total / ticks[-1]) * plot_height
        bars.append(
            {
                "x": round(CHART_LEFT + index * step + step * 0.15, 1),
                "y": round(baseline - height, 1),
                "width": round(step * 0.7, 1),
                "height": round(height, 1),
                "day": day,
                "label_x": round(CHART_LEFT + index * step + step / 2, 1),
                "labelled": index % 5 == 0 or index == len(days) - 1,
            }
        )
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": CHART_LEFT,
        "right": CHART_WIDTH - 8,
        "baseline": baseline,
        "label_y": baseline + 18,
        "bars": bars,
        "gridlines": [
            {"value": tick, "y": round(baseline - float(tick / ticks[-1]) * plot_height, 1)}
            for tick in ticks
        ],
    }


@login_required
@permission_required(permissions.DASHBOARD, raise_exception=True)
def dashboard(request):
    """Sales per day for 30 days, top products, low stock, orders per status: four queries."""
    today = timezone.localdate()
    days = sales_by_day(today=today)
    context = {
        "days": days,
        "chart": _sales_chart(days),
        "sales_total": sum((d.total for d in days), Decimal("0.00")),
        "sales_orders": sum(d.orders for d in days),
        "top_products": top_products(today=today),
        "low_stock": low_stock(),
        "per_status": orders_per_status(today=today),
        "first_day": days[0].day,
        "today_sales": days[-1],
        "today": today,
    }
    return render(request, "staff/dashboard.html", context)
