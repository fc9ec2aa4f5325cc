"""A guest's order link: the order's number, signed (django.core.signing), so the link is
the guest's key to that one order and no number can be guessed into one."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

LINK_SALT = "orderly.guest-order-link"


def guest_link_token(*, number: str) -> str:
    return signing.TimestampSigner(salt=LINK_SALT).sign(number)


def guest_link_path(*, number: str) -> str:
    """The path of the guest's order page, e.g. /guest/orders/ORD-2026-000042:1v...:Xy.../"""
    return reverse("guest_order", kwargs={"token": guest_link_token(number=number)})


def guest_link_number(*, token: str) -> str | None:
    """The order number a token was signed for within GUEST_ORDER_LINK_DAYS, or None for a
    tampered, foreign or expired one."""
    try:
        return signing.TimestampSigner(salt=LINK_SALT).unsign(
            token, max_age=timedelta(days=settings.GUEST_ORDER_LINK_DAYS)
        )
    except signing.BadSignature:
        return None
