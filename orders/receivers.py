"""What the orders app does when other parts of Orderly send a signal."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts.signals import user_data_export, user_erasing
from orders.selectors.cart import cart_get
from orders.services.account_data import orders_anonymise, orders_export
from orders.services.cart import GUEST_CART_SESSION_KEY, cart_get_or_create, cart_merge


@receiver(user_logged_in, dispatch_uid="orders.merge_guest_cart")
def merge_guest_cart_at_login(sender, request, user, **kwargs):
    """What a guest put in the cart is still there after signing in.

    login() cycles the session key but keeps its data, so the guest cart id is still here.
    """
    session = getattr(request, "session", None)
    if session is None:
        return
    cart_id = session.pop(GUEST_CART_SESSION_KEY, None)
    guest_cart = cart_get(guest_cart_id=cart_id)
    if guest_cart is not None:
        cart_merge(source=guest_cart, target=cart_get_or_create(user=user))


@receiver(user_data_export, dispatch_uid="orders.export_orders")
def export_orders(sender, user, **kwargs):
    """The user's orders, with their lines and timeline, for the personal-data export."""
    return {"orders": orders_export(user=user)}


@receiver(user_erasing, dispatch_uid="orders.anonymise_orders")
def anonymise_orders(sender, user, **kwargs):
    """Orders stay for the books; the personal data copied onto them goes."""
    orders_anonymise(user=user)
