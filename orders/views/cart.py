"""The cart page and its forms. Plain posts that redirect; with htmx, fragments swapped in place.

Business errors (a bad quantity, a product no longer for sale) are answered by
config.pages: a message and a redirect back; with htmx, the fragment below shows
the error in place. A line that is not in this cart is a 404, as in the API.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from config.errors import ApplicationError
from config.pages import business_errors, safe_back_url
from orders.forms import CartAddForm, CartLineUpdateForm
from orders.models import Cart
from orders.selectors.cart import cart_get, cart_summary
from orders.services import cart as cart_services
from orders.services.cart import GUEST_CART_SESSION_KEY
from orders.services.delivery import delivery_for_cart


def request_cart(request, *, create: bool = False) -> Cart | None:
    """This request's cart (see cart_get); with `create`, made on first use."""
    cart = cart_get(user=request.user, guest_cart_id=request.session.get(GUEST_CART_SESSION_KEY))
    if cart is None and create:
        if request.user.is_authenticated:
            return cart_services.cart_get_or_create(user=request.user)
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


def _cart_context(request) -> dict:
    """The cart, and for a signed-in customer with an address what delivery would cost."""
    summary = cart_summary(cart=request_cart(request))
    return {"cart": summary, "delivery": delivery_for_cart(summary=summary)}


@require_GET
def cart_page(request):
    return _vary_on_htmx(render(request, "orders/cart.html", _cart_context(request)))


def _add_result(request, *, notice: str = "", error: str = ""):
    """After an add from a product: the result in place for htmx, else back where it was."""
    if _is_htmx(request):
        context = {"notice": notice, "error": error}
        return _vary_on_htmx(render(request, "orders/_add_result.html", context))
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    return redirect(safe_back_url(request, fallback="cart"))


def _add_refused(request, error: ApplicationError):
    return _add_result(request, error=error.message)


@require_POST
@business_errors(fallback="cart", reply=_add_refused)
def cart_add(request):
    form = CartAddForm(request.POST)
    if not form.is_valid():
        return _add_result(request, error=_form_error(form))
    line = cart_services.cart_add(
        cart=request_cart(request, create=True),
        product_id=form.cleaned_data["product"],
        quantity=form.cleaned_data["quantity"],
        choice_ids=form.choice_ids(),
        message=form.cleaned_data["message"],
    )
    quantity = form.cleaned_data["quantity"]
    return _add_result(
        request,
        notice=_("%(name)s (%(quantity)s) added to your cart.")
        % {"name": line.product.name, "quantity": quantity},
    )


def _cart_changed(request, *, notice: str = "", error: str = ""):
    """After a change on the cart page: the fresh cart fragment for htmx, else back to the page."""
    if _is_htmx(request):
        context = {**_cart_context(request), "notice": notice, "error": error, "oob": True}
        return _vary_on_htmx(render(request, "orders/_cart.html", context))
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    return redirect("cart")


def _change_refused(request, error: ApplicationError):
    return _cart_changed(request, error=error.message)


def _own_cart(request) -> Cart:
    cart = request_cart(request)
    if cart is None:
        raise Http404(_("You have no cart yet."))
    return cart


@require_POST
@business_errors(fallback="cart", reply=_change_refused)
def cart_line_update(request, line_id: int):
    form = CartLineUpdateForm(request.POST)
    if not form.is_valid():
        return _cart_changed(request, error=_form_error(form))
    cart_services.cart_line_update(
        cart=_own_cart(request), line_id=line_id, quantity=form.cleaned_data["quantity"]
    )
    return _cart_changed(request, notice=_("Your cart is updated."))


@require_POST
@business_errors(fallback="cart", reply=_change_refused)
def cart_line_remove(request, line_id: int):
    cart_services.cart_line_remove(cart=_own_cart(request), line_id=line_id)
    return _cart_changed(request, notice=_("Removed from your cart."))
