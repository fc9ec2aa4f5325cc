"""Reads of products' option groups and choices."""

from collections.abc import Iterable

from orders.models import OptionChoice, OptionGroup
from orders.options import groups_by_product


def option_groups_of(*, product_ids: Iterable[int]) -> dict[int, list[OptionGroup]]:
    """The option groups (each with its `choice_list`) of these products, in one query.

    A group with no choice yet is left out: there is nothing to choose in it.
    """
    ids = list(product_ids)
    if not ids:
        return {}
    choices = (
        OptionChoice.objects.filter(group__product_id__in=ids)
        .select_related("group")
        .order_by("group__position", "group_id", "position", "pk")
    )
    return groups_by_product(choices)
