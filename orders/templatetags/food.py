"""Template filters for food information: whether a product may be sold (orders.food)."""

from django import template

from orders.food import allergens_block_sale

register = template.Library()


@register.filter
def sale_blocked(product) -> bool:
    """{% if product|sale_blocked %}: its allergens are unknown and the shop refuses to
    sell such products (SELL_WITHOUT_ALLERGEN_INFO off)."""
    return allergens_block_sale(product)
