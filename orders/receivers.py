"""What the orders app does when other parts of Orderly send a signal."""

from allauth.account.signals import email_confirmed
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.backends.signals import connection_created
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.signals import user_data_export, user_deletion_asked, user_erasing
from orders.models import Category, OptionChoice, OptionGroup, Product
from orders.selectors.cart import cart_get
from orders.services.account_data import orders_anonymise, orders_deletion_refusal, orders_export
from orders.services.cart import GUEST_CART_SESSION_KEY, cart_get_or_create, cart_merge
from orders.services.catalogue import catalogue_changed
from orders.services.guests import guest_orders_claim, guest_orders_claim_verified
from orders.services.invoices import invoices_export


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


@receiver(email_confirmed, dispatch_uid="orders.claim_guest_orders")
def claim_guest_orders_on_verify(sender, request, email_address, **kwargs):
    """Orders placed as a guest with this email become the user's once they prove it is
    theirs (never on an unverified one: anyone could sign up with someone's address)."""
    guest_orders_claim(user=email_address.user, email=email_address.email)


@receiver(user_logged_in, dispatch_uid="orders.claim_guest_orders_at_login")
def claim_guest_orders_at_login(sender, request, user, **kwargs):
    """A guest order placed while signed out with an email the account has verified."""
    if settings.GUEST_CHECKOUT:
        guest_orders_claim_verified(user=user)


@receiver(user_data_export, dispatch_uid="orders.export_orders")
def export_orders(sender, user, **kwargs):
    """The user's orders, with their lines and timeline, and their invoices (with credit
    notes), for the personal-data export."""
    return {"orders": orders_export(user=user), "invoices": invoices_export(user=user)}


@receiver(user_deletion_asked, dispatch_uid="orders.refuse_deletion_with_live_orders")
def refuse_deletion_with_live_orders(sender, user, **kwargs):
    return orders_deletion_refusal(user=user)


@receiver(user_erasing, dispatch_uid="orders.anonymise_orders")
def anonymise_orders(sender, user, **kwargs):
    """Orders stay for the books; the personal data copied onto them goes."""
    orders_anonymise(user=user)


@receiver(connection_created, dispatch_uid="orders.search_typo_tolerance")
def forgive_search_typos(sender, connection, **kwargs):
    """Product search's typo match (name <% search) counts a word as close from 0.5 of its
    trigrams shared, not PostgreSQL's 0.6: "crossant" then finds the croissant (0.58)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET pg_trgm.word_similarity_threshold = 0.5")


@receiver(post_save, sender=Product, dispatch_uid="orders.catalogue_changed_product_saved")
@receiver(post_delete, sender=Product, dispatch_uid="orders.catalogue_changed_product_deleted")
@receiver(post_save, sender=OptionGroup, dispatch_uid="orders.catalogue_changed_group_saved")
@receiver(post_delete, sender=OptionGroup, dispatch_uid="orders.catalogue_changed_group_deleted")
@receiver(post_save, sender=OptionChoice, dispatch_uid="orders.catalogue_changed_choice_saved")
@receiver(post_delete, sender=OptionChoice, dispatch_uid="orders.catalogue_changed_choice_deleted")
@receiver(post_save, sender=Category, dispatch_uid="orders.catalogue_changed_category_saved")
@receiver(post_delete, sender=Category, dispatch_uid="orders.catalogue_changed_category_deleted")
def catalogue_changed_on_save(sender, **kwargs):
    """A product or category written by any code (admin, services, shell) shows at once."""
    catalogue_changed()
