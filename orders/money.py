"""Money as the shop writes it, for pages, emails and reports alike."""

from decimal import Decimal

from django.conf import settings

SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


def money_text(amount: Decimal | None) -> str:
    """12.5 -> "£12.50" in SHOP_CURRENCY; currencies without a known symbol get their code."""
    if amount is None or amount == "":
        return ""
    value = f"{Decimal(amount):,.2f}"
    symbol = SYMBOLS.get(settings.SHOP_CURRENCY)
    return f"{symbol}{value}" if symbol else f"{value} {settings.SHOP_CURRENCY}"
