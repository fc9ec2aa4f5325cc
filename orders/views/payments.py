"""Paying for an order on the website, and the sandbox provider's payment page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.errors import ApplicationError
from config.pages import business_errors
from orders.guests import guest_link_path
from orders.models import Order
from orders.payments.sandbox import sandbox_link_valid
from orders.policy import Actor, GuestAccess
from orders.selectors.orders import order_get
from orders.selectors.payments import sandbox_payment_get
from orders.services.payments import payment_start, sandbox_payment_submit

RETURNED = "?payment=returned"


def _link_buyer(order: Order) -> Actor:
    """Who the sandbox's signed payment link stands for: the order's customer."""
    return GuestAccess(order_id=order.pk) if order.is_guest else order.user


def order_payment_redirect(request, order: Order, *, by: Actor = None, page_url: str = ""):
    """Send the buyer to pay for the order, or to its page saying why they cannot.

    Checkout calls it too, once the order is placed: a payment that cannot start then
    leaves the customer on their new order's page, not back at checkout. A guest (`by`, a
    GuestAccess) comes back to `page_url`, their signed link.
    """
    page_url = page_url or order.get_absolute_url()
    return_url = request.build_absolute_uri(page_url) + RETURNED
    try:
        return redirect(payment_start(order=order, by=by or request.user, return_url=return_url))
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(page_url)


@require_POST
@login_required
def order_pay(request, number: str):
    order = order_get(user=request.user, number=number)
    if order is None:
        raise Http404(_("No such order."))
    return order_payment_redirect(request, order)


@business_errors(fallback="/orders/")
def sandbox_pay(request, reference: str):
    """The sandbox's payment page: the order, its lines and the amount; Pay or Decline.

    Opened by its signed link (what checkout and the API hand out) it needs no session, as
    a real provider's page does: the link stands for the buyer. Without one, the buyer's own
    session does.
    """
    by_link = sandbox_link_valid(reference=reference, link=request.GET.get("link", ""))
    if not by_link and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    payment = sandbox_payment_get(user=None if by_link else request.user, reference=reference)
    if payment is None or settings.PAYMENT_PROVIDER != "sandbox":
        raise Http404(_("No such payment."))
    if request.method == "POST":
        outcome = request.POST.get("outcome")
        if outcome not in {"pay", "decline"}:
            raise BadRequest(_("Press Pay or Decline."))
        order = payment.order
        buyer = _link_buyer(order) if by_link else request.user
        sandbox_payment_submit(payment=payment, by=buyer, succeeded=outcome == "pay")
        # A guest's order page is their signed link; a customer's needs their session.
        page = guest_link_path(number=order.number) if order.is_guest else None
        if outcome == "decline":
            messages.warning(request, _("You declined the payment. The order is still waiting."))
            # The buyer's web view without a session stays on this page; a signed-in buyer
            # goes back to the order's page.
            signed_in = request.user.is_authenticated and request.user.pk == order.user_id
            return redirect(page or (order if signed_in else request.get_full_path()))
        return redirect((page or order.get_absolute_url()) + RETURNED)
    return render(request, "orders/sandbox_pay.html", {"payment": payment, "order": payment.order})
