"""How a line's options read on pages: "+£6.00", and "-£1.00" with a minus sign."""

from decimal import Decimal

from django import template

from orders.money import money_text

register = template.Library()


@register.filter
def price_change(amount: Decimal | str | None) -> str:
    """A choice's change to the unit price, signed (U+2212 for minus); "" for none."""
    if amount in (None, ""):
        return ""
    amount = Decimal(amount)
    if not amount:
        return ""
    return ("+" if amount > 0 else "\u2212") + money_text(abs(amount))
