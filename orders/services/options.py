"""Writes of products' option groups and choices (the admin's inlines call these).

A choice's price change may be negative, but never more than the product's price: the
cheapest choice alone keeps the price at or above zero. A combination of several negative
choices that would still go below zero is refused when it is put in a cart
(orders.options.unit_price).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from config.errors import InvalidInput
from orders.models import OptionChoice, OptionGroup


def _full_clean(obj) -> None:
    try:
        obj.full_clean()
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise InvalidInput(messages[0], field=field) from error


@transaction.atomic
def option_group_save(*, group: OptionGroup) -> OptionGroup:
    _full_clean(group)
    group.save()
    return group


@transaction.atomic
def option_group_delete(*, group: OptionGroup) -> None:
    """The group and its choices; cart lines that chose them are flagged to be redone."""
    group.delete()


def option_choice_check(*, choice: OptionChoice) -> None:
    """The choice alone must leave the product's price at or above zero."""
    product = choice.group.product
    if product.price + choice.price_change < 0:
        raise InvalidInput(
            _("%(product)s costs %(price)s: a choice may take off at most that much.")
            % {"product": product, "price": product.price},
            field="price_change",
        )


@transaction.atomic
def option_choice_save(*, choice: OptionChoice) -> OptionChoice:
    _full_clean(choice)
    option_choice_check(choice=choice)
    choice.save()
    return choice


@transaction.atomic
def option_choice_delete(*, choice: OptionChoice) -> None:
    choice.delete()
