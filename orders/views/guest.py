"""A guest's order, reached by the signed link in its emails (no account, no session):
its page, paying for it, cancelling it and its invoice, under the customer's rules
(orders.policy with a GuestAccess). A link that is tampered with or expired is a 404, as is
any other order."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.pages import business_errors
from orders.policy import GuestAccess
from orders.selectors.invoices import invoice_of_order
from orders.selectors.orders import order_of_guest_link
from orders.services.invoices import invoice_pdf
from orders.services.transitions import order_cancel
from orders.views.orders import cancel_confirmation, order_page
from orders.views.payments import order_payment_redirect


def _guest_order_or_404(token: str):
    order = order_of_guest_link(token=token)
    if order is None:
        raise Http404(gettext("No such order."))
    return order, GuestAccess(order_id=order.pk)


def _page(token: str) -> str:
    """The page of the link the guest opened."""
    return reverse("guest_order", kwargs={"token": token})


def guest_order(request, token: str):
    order, guest = _guest_order_or_404(token)
    return order_page(request, order=order, by=guest, token=token)


@require_POST
def guest_order_pay(request, token: str):
    order, guest = _guest_order_or_404(token)
    return order_payment_redirect(request, order, by=guest, page_url=_page(token))


@require_http_methods(["GET", "POST"])
@business_errors(fallback="guest_order", back=False)
def guest_order_cancel(request, token: str):
    """GET asks first (it works without JavaScript); the POST it sends cancels."""
    order, guest = _guest_order_or_404(token)
    page = _page(token)
    if request.method == "GET":
        return cancel_confirmation(request, order=order, by=guest, back_url=page)
    order_cancel(order=order, by=guest, note="Cancelled by the guest on the website.")
    messages.success(request, gettext("Order %(number)s is cancelled.") % {"number": order.number})
    return redirect(page)


@require_GET
def guest_order_invoice(request, token: str):
    """The invoice as a PDF, as its customer gets it from the API: a 404 before the order
    is paid."""
    order = _guest_order_or_404(token)[0]
    invoice = invoice_of_order(order=order)
    if invoice is None:
        raise Http404(gettext("This order has no invoice yet: it is issued when it is paid."))
    return HttpResponse(
        invoice_pdf(invoice=invoice),
        content_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{invoice.number}.pdf"'},
    )
