"""The day's work, for staff: the prep list, packing slips and delivery runs, to print.

Each page prints on A4 (static/css/daywork.css) and the lists also come as CSV.
"""

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from config.csv import csv_writer
from orders import permissions
from orders.models import Slot
from orders.selectors.daywork import (
    FIRST_DAY,
    LAST_DAY,
    PrepList,
    day_parse,
    delivery_runs,
    order_slip,
    prep_list,
    slot_slips,
)

# Above this many slots the prep list's table prints on a landscape page.
PORTRAIT_SLOTS = 6


def _csv_response(rows, *, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    csv_writer(response).writerows(rows)
    return response


def _day(request) -> date:
    try:
        return day_parse(request.GET.get("date"))
    except ValueError as error:
        raise BadRequest(f"date: {error}") from None


def _wants_csv(request) -> bool:
    wanted = request.GET.get("format", "")
    if wanted not in {"", "csv"}:
        raise BadRequest("format: ask for csv, or leave format out for the page.")
    return wanted == "csv"


def _day_context(day: date) -> dict:
    """The day and its neighbours for the date picker (none past the calendar's edges)."""
    return {
        "day": day,
        "today": timezone.localdate(),
        "previous_day": day - timedelta(days=1) if day > FIRST_DAY else None,
        "next_day": day + timedelta(days=1) if day < LAST_DAY else None,
    }


def _slot_label(slot) -> str:
    return (
        f"{slot.get_kind_display()} {timezone.localtime(slot.starts_at):%H:%M}"
        f"-{timezone.localtime(slot.ends_at):%H:%M}"
    )


def _prep_rows(prep: PrepList) -> list[tuple]:
    """Each product with its quantity under each of the day's slots (0 for none)."""
    rows = []
    for product in prep.products:
        by_slot = {part.slot.id: part.quantity for part in product.by_slot}
        rows.append((product, [by_slot.get(slot.id, 0) for slot in prep.slots]))
    return rows


@login_required
@permission_required(permissions.FULFIL, raise_exception=True)
def prep(request):
    """What to make for a day's paid and preparing orders, per slot and in all."""
    day = _day(request)
    wants_csv = _wants_csv(request)
    prep = prep_list(day=day)
    rows = _prep_rows(prep)
    if wants_csv:
        header = ["Category", "SKU", "Product", "Options", *map(_slot_label, prep.slots)]
        header += ["Total", "Messages"]
        body = [
            [
                product.category,
                product.sku,
                product.name,
                product.options_label,
                *cells,
                product.quantity,
                " | ".join(f"{m.order} x{m.quantity}: {m.message}" for m in product.messages),
            ]
            for product, cells in rows
        ]
        return _csv_response([header, *body], filename=f"prep-{day.isoformat()}.csv")
    slot_totals = [sum(cells[i] for _, cells in rows) for i in range(len(prep.slots))]
    context = {
        **_day_context(day),
        "prep": prep,
        "rows": rows,
        "slot_totals": slot_totals,
        "landscape": len(prep.slots) > PORTRAIT_SLOTS,
    }
    return render(request, "staff/prep.html", context)


@login_required
@permission_required(permissions.FULFIL, raise_exception=True)
def order_slip_view(request, number: str):
    """One order's packing slip."""
    order = order_slip(number=number)
    if order is None:
        raise Http404("No such order.")
    context = {
        "orders": [order],
        "title": _("Slip %(number)s") % {"number": order.number},
        "slot": order.slot,
    }
    return render(request, "staff/slips.html", context)


@login_required
@permission_required(permissions.FULFIL, raise_exception=True)
def slot_slips_view(request, slot_id: int):
    """Every slip of a slot's paid and preparing orders, one per printed page."""
    slot = get_object_or_404(Slot, pk=slot_id)
    orders = slot_slips(slot=slot)
    context = {
        "orders": orders,
        "title": _("Slips for %(slot)s") % {"slot": slot},
        "slot": slot,
        "whole_slot": True,
        "day": timezone.localdate(slot.starts_at),
    }
    return render(request, "staff/slips.html", context)


@login_required
@permission_required(permissions.FULFIL, raise_exception=True)
def runs(request):
    """The day's delivery orders still to take out, by slot, in postcode order."""
    day = _day(request)
    wants_csv = _wants_csv(request)
    groups = delivery_runs(day=day)
    if wants_csv:
        header = ["Slot", "Postcode", "Order", "Customer", "Phone", "Address"]
        header += ["Instructions", "Note", "Items", "Status"]
        body = [
            [
                _slot_label(slot),
                order.delivery_postcode,
                order.number,
                order.contact_name,
                order.contact_phone,
                ", ".join(order.delivery_address.splitlines()),
                order.delivery_instructions,
                " / ".join(order.note.splitlines()),
                order.items or 0,
                order.get_status_display(),
            ]
            for slot, orders in groups
            for order in orders
        ]
        return _csv_response([header, *body], filename=f"runs-{day.isoformat()}.csv")
    context = {
        **_day_context(day),
        "groups": groups,
        "order_count": sum(len(orders) for _, orders in groups),
    }
    return render(request, "staff/runs.html", context)
