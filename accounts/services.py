"""Every write and every rule about users, profiles, addresses and roles."""

from allauth.account.utils import has_verified_email

from accounts.errors import EmailNotVerified
from accounts.models import User


def user_ensure_verified(*, user: User) -> None:
    """Checkout and payments need a verified email address: raise EmailNotVerified otherwise."""
    if not has_verified_email(user):
        raise EmailNotVerified(
            "Please verify your email address before checking out: "
            "follow the link in the email we sent you."
        )
