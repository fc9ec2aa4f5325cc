from django.utils.functional import SimpleLazyObject

from orders.selectors.cart import cart_item_count
from orders.services.cart import GUEST_CART_SESSION_KEY


def cart(request):
    """The cart badge's count, queried only when a template shows it."""
    return {
        "cart_count": SimpleLazyObject(
            lambda: cart_item_count(
                user=getattr(request, "user", None),
                guest_cart_id=request.session.get(GUEST_CART_SESSION_KEY)
                if hasattr(request, "session")
                else None,
            )
        )
    }
