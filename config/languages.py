"""The shop's languages: which one a person reads, and the cookie that carries it."""

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation


def language_supported(code: str | None) -> str | None:
    """`code` as one of LANGUAGES ("de-AT" -> "de"), or None when the shop has no such one."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def language_current() -> str:
    """The active language as one of LANGUAGES: "en-gb" (the default outside a request) is
    "en", so a cache key or an email reads the same language the same way."""
    return language_supported(translation.get_language()) or "en"


def language_of(user) -> str:
    """The language a person chose (their profile), for what is sent to them later."""
    return language_supported(getattr(user, "language", "")) or language_current()


def language_of_customer(order) -> str:
    """The language an order's customer reads: their profile's, or for a guest the one they
    checked out in."""
    if order.user_id is None:
        return language_supported(order.guest_language) or language_current()
    return language_of(order.user)


def in_language_of_customer(order):
    """`with in_language_of_customer(order):` as in_language_of, for the order's customer."""
    return translation.override(language_of_customer(order))


def in_language_of(user):
    """`with in_language_of(user):` renders what is written for `user` in their language,
    whatever language the worker or the staff member who caused it reads."""
    return translation.override(language_of(user))


def language_cookie_set(response: HttpResponse, language: str) -> None:
    """LocaleMiddleware reads the cookie before Accept-Language: set it once (the switcher,
    sign-in, the profile), so no request has to look the profile up."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
