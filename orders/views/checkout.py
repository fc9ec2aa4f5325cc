"""The checkout page: cart summary, slot picker by day, address or pickup, coupon, totals."""

from itertools import groupby
from uuid import uuid4

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.selectors import user_email_verified
from config.pages import business_errors
from orders.forms import PICKUP, CheckoutForm
from orders.models import Order, Slot
from orders.selectors.cart import cart_get, cart_summary
from orders.selectors.slots import slot_list_bookable
from orders.services.checkout import checkout_place, order_totals
from orders.views.payments import order_payment_redirect

SLOTS_SHOWN = 84


@login_required
@business_errors(fallback="checkout")
def checkout(request):
    if request.method == "POST":
        return _checkout_submit(request)
    summary = cart_summary(cart=cart_get(user=request.user))
    slots = list(slot_list_bookable()[:SLOTS_SHOWN])
    days = [
        (day, list(day_slots))
        for day, day_slots in groupby(slots, key=lambda s: timezone.localtime(s.starts_at).date())
    ]
    priced = [(line.unit_price, line.product.tax_rate, line.quantity) for line in summary.lines]
    return render(
        request,
        "orders/checkout.html",
        {
            "cart": summary,
            "verified": user_email_verified(user=request.user),
            "days": days,
            "addresses": list(request.user.addresses.all()),
            "pickup": PICKUP,
            "token": uuid4().hex,
            "delivery_totals": order_totals(lines=priced, kind=Slot.Kind.DELIVERY),
            "pickup_totals": order_totals(lines=priced, kind=Slot.Kind.PICKUP),
        },
    )


def _checkout_submit(request):
    form = CheckoutForm(request.POST)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect("checkout")
    order, created = checkout_place(
        user=request.user,
        slot_id=form.cleaned_data["slot"],
        address_id=form.cleaned_data["address"],
        coupon_code=form.cleaned_data["coupon"],
        idempotency_key=form.cleaned_data["token"],
    )
    if created:
        messages.success(request, f"Thank you! Your order {order.number} is placed.")
    if order.status != Order.Status.PENDING_PAYMENT:
        return redirect(order)
    return order_payment_redirect(request, order)
