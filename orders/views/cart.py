"""The cart page and its forms. Plain posts that redirect; with htmx, fragments swapped in place."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from config.errors import ApplicationError
from orders.forms import CartAddForm, CartLineUpdateForm
from orders.models import Cart
from orders.selectors.cart import cart_summary
from orders.services import cart as cart_services
from orders.services.cart import GUEST_CART_SESSION_KEY


def request_cart(request, *, create: bool = False) -> Cart | None:
    """The signed-in user's cart, or the guest cart whose id the session holds."""
    if request.user.is_authenticated:
        if create:
            return cart_services.cart_get_or_create(user=request.user)
        return Cart.objects.filter(user=request.user).first()
    cart_id = request.session.get(GUEST_CART_SESSION_KEY)
    cart = Cart.objects.filter(pk=cart_id, user__isnull=True).first() if cart_id else None
    if cart is None and create:
        cart = cart_services.cart_create_for_guest()
        request.session[GUEST_CART_SESSION_KEY] = cart.pk
    return cart


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _form_error(form) -> str:
    return next(iter(form.errors.values()))[0]


def _vary_on_htmx(response):
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def cart_page(request):
    summary = cart_summary(cart=request_cart(request))
    return _vary_on_htmx(render(request, "orders/cart.html", {"cart": summary}))


@require_POST
def cart_add(request):
    form = CartAddForm(request.POST)
    notice = error = ""
    if not form.is_valid():
        error = _form_error(form)
    else:
        try:
            line = cart_services.cart_add(
                cart=request_cart(request, create=True),
                product_id=form.cleaned_data["product"],
                quantity=form.cleaned_data["quantity"],
            )
        except ApplicationError as exc:
            error = exc.message
        else:
            notice = f"{line.product.name} ({form.cleaned_data['quantity']}) added to your cart."
    if _is_htmx(request):
        context = {"notice": notice, "error": error}
        return _vary_on_htmx(render(request, "orders/_add_result.html", context))
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("cart")
    return redirect(next_url)


def _cart_changed(request, *, notice: str = "", error: str = ""):
    """After a change on the cart page: the fresh cart fragment for htmx, else back to the page."""
    if _is_htmx(request):
        summary = cart_summary(cart=request_cart(request))
        context = {"cart": summary, "notice": notice, "error": error, "oob": True}
        return _vary_on_htmx(render(request, "orders/_cart.html", context))
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    return redirect("cart")


@require_POST
def cart_line_update(request, line_id: int):
    form = CartLineUpdateForm(request.POST)
    if not form.is_valid():
        return _cart_changed(request, error=_form_error(form))
    return _cart_change(
        request,
        lambda cart: cart_services.cart_line_update(
            cart=cart, line_id=line_id, quantity=form.cleaned_data["quantity"]
        ),
        notice="Your cart is updated.",
    )


@require_POST
def cart_line_remove(request, line_id: int):
    return _cart_change(
        request,
        lambda cart: cart_services.cart_line_remove(cart=cart, line_id=line_id),
        notice="Removed from your cart.",
    )


def _cart_change(request, change, *, notice: str):
    """Apply a change to the request's cart; a line that is not in it is a 404, as in the API."""
    cart = request_cart(request)
    if cart is None:
        raise Http404("You have no cart yet.")
    try:
        change(cart)
    except ApplicationError as exc:
        if exc.status_code == 404:
            raise Http404(exc.message) from exc
        return _cart_changed(request, error=exc.message)
    return _cart_changed(request, notice=notice)
