"""The refusal to sell a product whose allergens are unknown, for the cart and checkout."""

from collections.abc import Iterable

from django.utils.translation import gettext

from orders.errors import AllergenInfoMissing
from orders.food import allergens_block_sale
from orders.models import Product


def products_ensure_sellable(*, products: Iterable[Product], field: str = "product") -> None:
    """Raise AllergenInfoMissing naming each product the shop may not sell for want of
    allergen information (orders.food.allergens_block_sale); nothing is written."""
    blocked = sorted(product.name for product in products if allergens_block_sale(product))
    if blocked:
        raise AllergenInfoMissing(
            gettext(
                "%(names)s: the shop has no allergen information for this, so it is not sold "
                "online. Ask the shop."
            )
            % {"names": ", ".join(blocked)},
            field=field,
        )
