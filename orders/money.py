"""Money and dates as the shop writes them for the reader's language, for pages, emails and
invoices alike (Babel: "£12.50" in English, "12,50 €" in German; "5 December 2026" and
"5. Dezember 2026")."""

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency
from django.conf import settings
from django.utils import timezone

from config.languages import language_current

# The Babel locale of each of LANGUAGES: English as written in Britain, German as in Germany.
BABEL_LOCALES = {"en": "en_GB", "de": "de_DE"}


def babel_locale() -> str:
    return BABEL_LOCALES.get(language_current(), "en_GB")


def money_text(amount: Decimal | None, currency: str | None = None) -> str:
    """12.5 -> "£12.50" (English) or "12,50 £" (German) in SHOP_CURRENCY, or `currency`."""
    if amount is None or amount == "":
        return ""
    return format_currency(
        Decimal(amount), currency or settings.SHOP_CURRENCY, locale=babel_locale()
    )


def date_text(value: date | datetime | None, form: str = "long") -> str:
    """A day in words: "5 December 2026" / "5. Dezember 2026" (form "full" adds the weekday).
    A datetime is read in the shop's time zone first."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return format_date(value, format=form, locale=babel_locale())
