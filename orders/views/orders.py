"""The customer's order history, an order's page with its timeline, and cancelling."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from config.pages import business_errors
from orders.selectors.orders import order_get, order_list
from orders.services.transitions import order_cancel, order_may_cancel

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
        raise Http404("No such order.")
    return order


@login_required
def order_detail(request, number: str):
    order = _order_or_404(request, number)
    return render(
        request,
        "orders/order_detail.html",
        {"order": order, "may_cancel": order_may_cancel(order=order, by=request.user)},
    )


@require_POST
@login_required
@business_errors(fallback="order_detail")
def order_cancel_view(request, number: str):
    order = _order_or_404(request, number)
    order_cancel(order=order, by=request.user, note="Cancelled on the website.")
    messages.success(request, f"Order {order.number} is cancelled.")
    return redirect(order)
