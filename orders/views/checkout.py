"""The checkout page: delivery or pickup first, then a day and a slot, coupon, totals.

The kind and the day are links (`?kind=pickup&day=2026-12-01`), so the picker works with
JavaScript off and shows one day's slots at a time. What the customer chose (slot, address,
coupon) is kept in the session while checkout is refused, so an error loses none of it.
"Apply" beside the coupon keeps the choices too and shows the discount in the totals.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby
from uuid import uuid4

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from accounts.models import Address
from accounts.selectors import user_email_verified
from config.errors import ApplicationError
from config.pages import business_errors
from orders.delivery import DeliveryQuote
from orders.forms import GUEST_ADDRESS_INPUTS, PICKUP, CheckoutForm, GuestCheckoutForm
from orders.guests import guest_link_path
from orders.models import Order, Slot
from orders.models.orders import ORDER_NOTE_MAX_LENGTH
from orders.policy import GuestAccess
from orders.pricing import LineIn
from orders.selectors.cart import cart_get, cart_summary
from orders.selectors.delivery import delivery_zones
from orders.selectors.slots import slot_list_bookable
from orders.services.checkout import checkout_place, checkout_place_as_guest, order_price
from orders.services.coupons import coupon_preview
from orders.services.delivery import delivery_quote_for
from orders.views.cart import request_cart
from orders.views.payments import order_payment_redirect

SLOTS_SHOWN = 500
CHOICE = "checkout_choice"


def _chosen_kind(request, *, choice: dict, has_addresses: bool) -> str:
    kind = request.GET.get("kind", "")
    if kind in Slot.Kind.values:
        return kind
    if "address" in choice:
        return Slot.Kind.PICKUP if choice["address"] == PICKUP else Slot.Kind.DELIVERY
    return Slot.Kind.DELIVERY if has_addresses else Slot.Kind.PICKUP


def _chosen_day(request, *, days: list[date], chosen_slot: Slot | None, free: dict) -> date | None:
    try:
        asked = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        asked = None
    if asked in days:
        return asked
    if chosen_slot is not None:
        return timezone.localtime(chosen_slot.starts_at).date()
    return next((day for day in days if free[day]), days[0] if days else None)


def _chosen_address(*, choice: dict, addresses: list) -> int | None:
    pks = [entry.address.pk for entry in addresses if entry.quote.deliverable]
    chosen = str(choice.get("address", ""))
    wanted = int(chosen) if chosen.isascii() and chosen.isdigit() else None
    return wanted if wanted in pks else next(iter(pks), None)


def _coupon_previewed(code: str):
    """The coupon the totals preview, and why it would be refused ("" when it would not):
    shown beside the coupon field rather than as an error, since nothing was submitted."""
    if not code.strip():
        return None, ""
    try:
        return coupon_preview(code=code), ""
    except ApplicationError as refusal:
        return None, refusal.message


@dataclass(frozen=True)
class QuotedAddress:
    address: Address
    quote: DeliveryQuote


def _addresses_quoted(user) -> list[QuotedAddress]:
    """The customer's addresses, each with its delivery zone and fee (one query for all)."""
    zones = delivery_zones()
    return [
        QuotedAddress(
            address=address,
            quote=delivery_quote_for(
                postcode=address.postcode, country=address.country.code, zones=zones
            ),
        )
        for address in user.addresses.all()
    ]


@business_errors(fallback="checkout")
def checkout(request):
    guest = not request.user.is_authenticated
    if guest and not settings.GUEST_CHECKOUT:
        messages.info(
            request,
            _("Please sign in or create an account to check out: your cart is kept for you."),
        )
        return redirect_to_login(request.get_full_path())
    if request.method == "POST":
        return _guest_checkout_submit(request) if guest else _checkout_submit(request)
    if guest:
        summary = cart_summary(cart=request_cart(request))
        addresses = []
    else:
        summary = cart_summary(cart=cart_get(user=request.user))
        addresses = _addresses_quoted(request.user)
    choice = request.session.get(CHOICE, {})
    # A guest writes their address here, so delivery is open to them from the start.
    kind = _chosen_kind(
        request,
        choice=choice,
        has_addresses=guest or any(a.quote.deliverable for a in addresses),
    )
    slots = list(slot_list_bookable(kind=kind)[:SLOTS_SHOWN])
    by_day = {
        day: list(day_slots)
        for day, day_slots in groupby(slots, key=lambda s: timezone.localtime(s.starts_at).date())
    }
    free = {day: sum(slot.remaining for slot in day_slots) for day, day_slots in by_day.items()}
    chosen_slot = next((s for s in slots if str(s.pk) == str(choice.get("slot"))), None)
    day = _chosen_day(request, days=list(by_day), chosen_slot=chosen_slot, free=free)
    today = timezone.localdate()
    priced = [LineIn(ln.unit_price, ln.product.tax_rate, ln.quantity) for ln in summary.lines]
    coupon, coupon_refusal = _coupon_previewed(choice.get("coupon", ""))
    chosen_address = _chosen_address(choice=choice, addresses=addresses)
    quote = next((a.quote for a in addresses if a.address.pk == chosen_address), None)
    totals = order_price(lines=priced, kind=kind, coupon=coupon, quote=quote)
    return render(
        request,
        "orders/checkout.html",
        {
            "cart": summary,
            "guest": _guest_context(choice) if guest else None,
            "verified": guest or user_email_verified(user=request.user),
            "kind": kind,
            "days": [
                {
                    "date": d,
                    "free": free[d],
                    "label": _("Today")
                    if d == today
                    else _("Tomorrow")
                    if d == today + timedelta(days=1)
                    else None,
                }
                for d in by_day
            ],
            "day": day,
            "slots": by_day.get(day, []),
            "chosen_slot": chosen_slot.pk if chosen_slot else None,
            "addresses": addresses,
            "chosen_address": chosen_address,
            "deliverable_addresses": sum(1 for a in addresses if a.quote.deliverable),
            "zone": quote,
            "more_for_minimum": quote.missing_for_minimum(totals.subtotal - totals.discount)
            if quote is not None and kind == Slot.Kind.DELIVERY
            else None,
            "coupon": choice.get("coupon", ""),
            "coupon_applied": coupon,
            "coupon_refusal": coupon_refusal,
            "note": choice.get("note", ""),
            "note_max_length": ORDER_NOTE_MAX_LENGTH,
            "pickup": PICKUP,
            "token": uuid4().hex,
            "totals": totals,
            "cutoff_minutes": settings.SLOT_CUTOFF_MINUTES,
            "shop_zone": settings.TIME_ZONE,
        },
    )


def _guest_context(choice: dict) -> dict:
    """What the guest wrote last time (kept while checkout is refused), and the countries."""
    written = {"country": "GB", **choice.get("guest", {})}
    return {"written": written, "countries": list(countries)}


def _guest_checkout_submit(request):
    form = GuestCheckoutForm(request.POST)
    kind = request.POST.get("kind", "")
    request.session[CHOICE] = {
        "slot": request.POST.get("slot", "")[:20],
        "address": PICKUP if kind == PICKUP else "guest",
        "coupon": request.POST.get("coupon", "")[:32],
        "note": request.POST.get("note", "")[: ORDER_NOTE_MAX_LENGTH * 2],
        "guest": {
            field: request.POST.get(field, "")[:300]
            for field in ("email", "name", "phone", *GUEST_ADDRESS_INPUTS)
        },
    }
    if "preview" in request.POST:
        return redirect("checkout")
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect("checkout")
    cart = request_cart(request)
    order, created = checkout_place_as_guest(
        cart_id=cart.pk if cart else None,
        email=form.cleaned_data["email"],
        name=form.cleaned_data["name"],
        phone=form.cleaned_data["phone"],
        address=form.address(),
        slot_id=form.cleaned_data["slot"],
        coupon_code=form.cleaned_data["coupon"],
        idempotency_key=form.cleaned_data["token"],
        note=form.cleaned_data["note"],
    )
    request.session.pop(CHOICE, None)
    page = guest_link_path(number=order.number)
    if created:
        messages.success(
            request,
            _("Thank you! Your order %(number)s is placed. We sent a link to it to %(email)s.")
            % {"number": order.number, "email": order.guest_email},
        )
    if order.status != Order.Status.PENDING_PAYMENT:
        return redirect(page)
    return order_payment_redirect(request, order, by=GuestAccess(order_id=order.pk), page_url=page)


def _checkout_submit(request):
    form = CheckoutForm(request.POST)
    request.session[CHOICE] = {
        "slot": request.POST.get("slot", "")[:20],
        "address": request.POST.get("address", "")[:20],
        "coupon": request.POST.get("coupon", "")[:32],
        "note": request.POST.get("note", "")[: ORDER_NOTE_MAX_LENGTH * 2],
    }
    if "preview" in request.POST:
        return redirect("checkout")
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect("checkout")
    order, created = checkout_place(
        user=request.user,
        slot_id=form.cleaned_data["slot"],
        address_id=form.cleaned_data["address"],
        coupon_code=form.cleaned_data["coupon"],
        idempotency_key=form.cleaned_data["token"],
        note=form.cleaned_data["note"],
    )
    request.session.pop(CHOICE, None)
    if created:
        messages.success(
            request, _("Thank you! Your order %(number)s is placed.") % {"number": order.number}
        )
    if order.status != Order.Status.PENDING_PAYMENT:
        return redirect(order)
    return order_payment_redirect(request, order)
