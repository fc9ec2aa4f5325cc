from decimal import Decimal

from django import template
from django.conf import settings

register = template.Library()

SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


@register.filter
def money(amount: Decimal | None) -> str:
    """12.5 -> "£12.50" in SHOP_CURRENCY; currencies without a known symbol get their code."""
    if amount is None or amount == "":
        return ""
    value = f"{Decimal(amount):,.2f}"
    symbol = SYMBOLS.get(settings.SHOP_CURRENCY)
    return f"{symbol}{value}" if symbol else f"{value} {settings.SHOP_CURRENCY}"
