"""Food information: the 14 major allergens (UK FIR 2014, EU 1169/2011 annex II), what a
product is suitable for, and the one rule on selling a product whose allergens are unknown.

A product stores each list as an integer with one bit per entry (docs/decisions/0009): the
bit of an entry is its place in the tuple below, so the tuples only ever grow at the end.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Entry:
    key: str
    label: Promise | str

    def __str__(self) -> str:
        return str(self.label)


ALLERGENS: tuple[Entry, ...] = (
    Entry("celery", _("Celery")),
    Entry("gluten", _("Cereals containing gluten")),
    Entry("crustaceans", _("Crustaceans")),
    Entry("eggs", _("Eggs")),
    Entry("fish", _("Fish")),
    Entry("lupin", _("Lupin")),
    Entry("milk", _("Milk")),
    Entry("molluscs", _("Molluscs")),
    Entry("mustard", _("Mustard")),
    Entry("nuts", _("Tree nuts")),
    Entry("peanuts", _("Peanuts")),
    Entry("sesame", _("Sesame")),
    Entry("soya", _("Soya")),
    Entry("sulphites", _("Sulphites")),
)

SUITABLE_FOR: tuple[Entry, ...] = (
    Entry("vegetarian", _("Vegetarians")),
    Entry("vegan", _("Vegans")),
)

ALLERGEN_KEYS = tuple(entry.key for entry in ALLERGENS)
SUITABLE_FOR_KEYS = tuple(entry.key for entry in SUITABLE_FOR)
ALL_ALLERGENS = (1 << len(ALLERGENS)) - 1
ALL_SUITABLE_FOR = (1 << len(SUITABLE_FOR)) - 1


def _mask(keys: Iterable[str], entries: tuple[Entry, ...]) -> int:
    bits = {entry.key: 1 << place for place, entry in enumerate(entries)}
    mask = 0
    for key in keys:
        if key not in bits:
            raise ValueError(key)
        mask |= bits[key]
    return mask


def _entries(mask: int | None, entries: tuple[Entry, ...]) -> list[Entry]:
    return [entry for place, entry in enumerate(entries) if (mask or 0) >> place & 1]


def allergen_mask(keys: Iterable[str]) -> int:
    """The bits of these allergen keys; ValueError(key) for the first key not of the 14."""
    return _mask(keys, ALLERGENS)


def allergens_of(mask: int | None) -> list[Entry]:
    return _entries(mask, ALLERGENS)


def suitable_for_mask(keys: Iterable[str]) -> int:
    return _mask(keys, SUITABLE_FOR)


def suitable_for_of(mask: int | None) -> list[Entry]:
    return _entries(mask, SUITABLE_FOR)


def allergen_keys_parse(values: Iterable[str]) -> list[str]:
    """Allergen keys from query values, each a comma-separated list (`milk,eggs`), in the
    fixed order and without repeats. Raises ValueError naming the keys that are not of the
    14."""
    given = {key.strip().lower() for value in values for key in value.split(",")} - {""}
    unknown = sorted(given - set(ALLERGEN_KEYS))
    if unknown:
        raise ValueError(
            gettext("Unknown allergen %(names)s: use %(keys)s.")
            % {"names": ", ".join(unknown), "keys": ", ".join(ALLERGEN_KEYS)}
        )
    return [key for key in ALLERGEN_KEYS if key in given]


class FoodInformation:
    """What a product, and an order line that copied it, tells about its allergens.

    `allergens_contains` is None when the allergens are not known ("ask the shop"), which is
    not the same as 0: known to contain none of the 14.
    """

    allergens_contains: int | None
    allergens_may_contain: int

    @property
    def allergens_known(self) -> bool:
        return self.allergens_contains is not None

    @property
    def contains(self) -> list[Entry]:
        return allergens_of(self.allergens_contains)

    @property
    def may_contain(self) -> list[Entry]:
        return allergens_of(self.allergens_may_contain if self.allergens_known else 0)

    @property
    def suitable(self) -> list[Entry]:
        """The diets it suits (a product's suitable_for; an order line keeps none)."""
        return suitable_for_of(getattr(self, "suitable_for", 0))

    @property
    def allergens(self) -> dict[str, list[str]] | None:
        """The API's shape: {contains: [...], may_contain: [...]} as keys, or None."""
        if not self.allergens_known:
            return None
        return {
            "contains": [entry.key for entry in self.contains],
            "may_contain": [entry.key for entry in self.may_contain],
        }


def allergens_problem(*, contains: int | None, may_contain: int) -> str:
    """What is wrong with these allergen bits ("" when nothing): the rule the admin and the
    import show, and the check constraints of migration 0017 hold."""
    if contains is None:
        if may_contain:
            return gettext(
                'Allergens not known, yet some are marked as "may contain": record what '
                "the product contains (possibly none) first."
            )
        return ""
    both = allergens_of(contains & may_contain)
    if both:
        return gettext('%(names)s: marked both as "contains" and "may contain"; choose one.') % {
            "names": ", ".join(map(str, both))
        }
    return ""


def allergens_block_sale(product: FoodInformation) -> bool:
    """The one rule: with SELL_WITHOUT_ALLERGEN_INFO off, a product whose allergens are not
    known cannot be bought (cart, checkout; the pages hide its add button)."""
    return not settings.SELL_WITHOUT_ALLERGEN_INFO and not product.allergens_known
