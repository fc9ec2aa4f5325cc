from decimal import Decimal

from django import template
from django.conf import settings

from orders.money import date_text, money_text
from orders.pricing import tax_label
from orders.pricing import tax_name as pricing_tax_name

register = template.Library()

money = register.filter("money", money_text)
# {{ order.created_at|day }} -> "5 December 2026" / "5. Dezember 2026" (|day:"full": weekday).
day = register.filter("day", date_text)


@register.filter
def tax_note(prices_include_tax: bool) -> str:
    """{{ order.prices_include_tax|tax_note }} -> "incl. VAT" or "plus VAT" (TAX_LABEL)."""
    return tax_label(prices_include_tax=bool(prices_include_tax))


@register.simple_tag
def shop_tax_note() -> str:
    """How the shop's prices are shown now: "incl. VAT" or "plus VAT" (PRICES_INCLUDE_TAX)."""
    return tax_note(settings.PRICES_INCLUDE_TAX)


@register.simple_tag
def tax_name() -> str:
    """The tax's name in the shop's pages: TAX_LABEL ("VAT"), translated ("MwSt.")."""
    return pricing_tax_name()


@register.filter
def percent(rate: Decimal) -> str:
    """0.2000 -> "20%", 0.1250 -> "12.5%"."""
    value = (Decimal(rate) * 100).normalize()
    return f"{value:f}%"
