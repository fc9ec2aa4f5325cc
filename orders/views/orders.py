"""The customer's order history, an order's page with its timeline, and cancelling."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from config.pages import business_errors
from orders.models import Order, Payment
from orders.policy import Action, Actor, order_may
from orders.selectors.invoices import invoice_number_of_order
from orders.selectors.orders import order_get, order_list
from orders.selectors.payments import payment_latest, refund_list
from orders.services.transitions import order_cancel, order_cancel_refusal
from orders.templatetags.money import money

ORDERS_PER_PAGE = 20


@login_required
def order_history(request):
    # Staff see only their own orders here too; the staff board and admin show everyone's.
    orders = order_list(user=request.user).filter(user=request.user)
    page = Paginator(orders, ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "orders/order_list.html", {"page": page, "orders": page.object_list})


def _order_or_404(request, number: str):
    order = order_get(user=request.user, number=number)
    if order is None:
        raise Http404(_("No such order."))
    return order


@login_required
def order_detail(request, number: str):
    return order_page(request, order=_order_or_404(request, number), by=request.user)


def order_page(request, *, order: Order, by: Actor, token: str = ""):
    """The order's page for its customer (or staff); with a guest's link `token`, its
    buttons go to the guest's own addresses."""
    waiting = order.status == Order.Status.PENDING_PAYMENT
    payment = payment_latest(order_id=order.pk) if waiting else None
    return render(
        request,
        "orders/order_detail.html",
        {
            "order": order,
            "may_cancel": order_may(order=order, user=by, action=Action.CANCEL),
            "may_pay": order_may(order=order, user=by, action=Action.PAY),
            "guest": bool(token),
            "pay_url": reverse("guest_order_pay", kwargs={"token": token})
            if token
            else reverse("order_pay", kwargs={"number": order.number}),
            "cancel_url": reverse("guest_order_cancel", kwargs={"token": token})
            if token
            else reverse("order_cancel", kwargs={"number": order.number}),
            "payment": payment,
            "refunds": refund_list(order_id=order.pk) if order.paid_at else [],
            "invoice": invoice_number_of_order(order=order) if order.paid_at else None,
            "invoice_url": reverse("guest_order_invoice", kwargs={"token": token})
            if token
            else reverse("order-invoice", kwargs={"number": order.number}) + "?format=pdf",
            "confirming": request.GET.get("payment") == "returned"
            and payment is not None
            and payment.status == Payment.Status.PENDING,
        },
    )


def cancel_confirmation(request, *, order: Order, by: Actor, back_url: str):
    """The page that asks before cancelling (it works without JavaScript); its button posts
    to the page's own address, `back_url` leads back to the order."""
    # The page asks the rule the cancel will, so it never promises what it then refuses.
    refusal = order_cancel_refusal(order=order, by=by)
    if refusal:
        return render(
            request,
            "confirm.html",
            {
                "title": _("This order cannot be cancelled"),
                "lines": [refusal],
                "back_url": back_url,
                "back_label": _("Back to the order"),
            },
        )
    lines = [
        _("Order %(number)s will be cancelled and its slot given up.") % {"number": order.number}
    ]
    if order.paid_at:
        lines.append(
            _("Your payment of %(amount)s will be refunded in full.")
            % {"amount": money(order.total)}
        )
    return render(
        request,
        "confirm.html",
        {
            "title": _("Cancel this order?"),
            "lines": lines,
            "button": _("Yes, cancel the order"),
            "back_url": back_url,
            "back_label": _("No, keep it"),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@business_errors(fallback="order_detail", back=False)
def order_cancel_view(request, number: str):
    """GET asks first (it works without JavaScript); the POST it sends cancels."""
    order = _order_or_404(request, number)
    if request.method == "GET":
        return cancel_confirmation(
            request, order=order, by=request.user, back_url=order.get_absolute_url()
        )
    order_cancel(order=order, by=request.user, note="Cancelled on the website.")
    messages.success(request, _("Order %(number)s is cancelled.") % {"number": order.number})
    return redirect(order)
