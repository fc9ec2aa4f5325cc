"""The rules of a line's options and message and of an order's note: pure functions on
objects already read, shared by the cart services, the cart reads and checkout.

- A required group takes exactly one of its choices, an optional group at most one; a
  choice of another product is refused. The unit price is the product's price plus every
  chosen choice's change, and must stay at or above zero.
- A message is one line of text, only on a product that `allows_message`, at most its
  `message_max_length` characters.
- An order note is up to ORDER_NOTE_MAX_LENGTH characters; line breaks are kept, other
  control characters are refused.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from config.validators import CONTROL_CHARACTERS
from orders.errors import MessageInvalid, NoteInvalid, OptionsInvalid
from orders.models import OptionChoice, OptionGroup, Product
from orders.models.orders import ORDER_NOTE_MAX_LENGTH
from orders.pricing import ZERO

# More choices than any product has groups is a malformed request, not a long loop.
MAX_CHOICES = 20
NOTE_CONTROL_CHARACTERS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True)
class Chosen:
    """One chosen option of a line, as the cart shows it and the order line copies it."""

    id: int
    group: str
    choice: str
    price_change: Decimal

    def as_copy(self) -> dict:
        return {"group": self.group, "choice": self.choice, "price_change": str(self.price_change)}


def groups_by_product(choices: Iterable[OptionChoice]) -> dict[int, list[OptionGroup]]:
    """Each product's option groups in order, each with its `choice_list`, from the choices
    read with their groups (orders.selectors.options.option_choices_of)."""
    groups: dict[int, dict[int, OptionGroup]] = defaultdict(dict)
    for choice in choices:
        group = groups[choice.group.product_id].setdefault(choice.group_id, choice.group)
        group.__dict__.setdefault("choice_list", []).append(choice)
    return {pid: list(by_id.values()) for pid, by_id in groups.items()}


def choice_ids_check(choice_ids: object) -> list[int]:
    """A list of distinct choice ids (None is none), or OptionsInvalid naming `options`."""
    if choice_ids is None:
        return []
    if not isinstance(choice_ids, list | tuple) or any(
        isinstance(i, bool) or not isinstance(i, int) for i in choice_ids
    ):
        raise OptionsInvalid(_("Options must be a list of choice ids."))
    if len(choice_ids) > MAX_CHOICES or len(set(choice_ids)) != len(choice_ids):
        raise OptionsInvalid(_("Choose each option once."))
    return list(choice_ids)


def options_choose(*, groups: list[OptionGroup], choice_ids: object) -> list[Chosen]:
    """The choices `choice_ids` names among the product's `groups`, in the groups' order.

    Raises OptionsInvalid (field `options`) for anything but a list of distinct choice ids
    of this product that takes one choice in each required group and at most one in others.
    """
    wanted = set(choice_ids_check(choice_ids))
    known = {choice.pk for group in groups for choice in group.choice_list}
    if wanted - known:
        raise OptionsInvalid(_("One of the choices is not an option of this product."))
    chosen = []
    for group in groups:
        picked = [choice for choice in group.choice_list if choice.pk in wanted]
        if len(picked) > 1:
            raise OptionsInvalid(_("Choose one %(group)s, not several.") % {"group": group.name})
        if not picked and group.required:
            raise OptionsInvalid(_("Choose a %(group)s.") % {"group": group.name})
        chosen += [Chosen(c.pk, group.name, c.name, c.price_change) for c in picked]
    return chosen


def unit_price(*, product: Product, chosen: Iterable[Chosen]) -> Decimal:
    """The product's price with the choices' changes; refused below zero."""
    price = product.price + sum((c.price_change for c in chosen), ZERO)
    if price < 0:
        raise OptionsInvalid(
            _("%(product)s: these choices would cost less than nothing.") % {"product": product}
        )
    return price


def line_options(
    *, product: Product, groups: list[OptionGroup], choice_ids: list[int]
) -> tuple[list[Chosen], Decimal] | None:
    """A cart line's choices and unit price as the catalogue stands now, or None when the
    shop changed the product's options since the line was added (the line must be redone)."""
    try:
        chosen = options_choose(groups=groups, choice_ids=choice_ids)
        return chosen, unit_price(product=product, chosen=chosen)
    except OptionsInvalid:
        return None


def message_clean(*, product: Product, message: object) -> str:
    """The line's message, stripped; "" for none. Raises MessageInvalid (field `message`)."""
    if message is None:
        return ""
    if not isinstance(message, str):
        raise MessageInvalid(_("A message must be text."))
    message = message.strip()
    if not message:
        return ""
    if not product.allows_message:
        raise MessageInvalid(_("%(product)s takes no message.") % {"product": product})
    if CONTROL_CHARACTERS.search(message):
        raise MessageInvalid(
            _("Write the message on one line, without tabs or other control characters.")
        )
    if len(message) > product.message_max_length:
        raise MessageInvalid(
            _("A message on %(product)s is at most %(max)d characters.")
            % {"product": product, "max": product.message_max_length}
        )
    return message


def note_clean(note: object) -> str:
    """The order note, stripped, line breaks as "\\n"; "" for none. Raises NoteInvalid."""
    if note is None:
        return ""
    if not isinstance(note, str):
        raise NoteInvalid(_("A note must be text."))
    note = note.replace("\r\n", "\n").strip()
    if NOTE_CONTROL_CHARACTERS.search(note):
        raise NoteInvalid(
            _("A note may hold line breaks, but no tabs or other control characters.")
        )
    if len(note) > ORDER_NOTE_MAX_LENGTH:
        raise NoteInvalid(
            _("A note is at most %(max)d characters.") % {"max": ORDER_NOTE_MAX_LENGTH}
        )
    return note
