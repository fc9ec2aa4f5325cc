"""Which delivery zone serves a postcode, and for what fee: pure functions, no database.

orders.selectors.delivery loads the zones (one query) and orders.services.delivery asks
here; pricing, checkout, the cart, the API and the pages all get their answer from
`delivery_quote`, so the rule is written once. docs/decisions/0007-delivery-zones.md has
the rule with examples.

A rule is one of, from most to least specific:
    a full postcode      E1 6AN        that postcode only
    a sub-district       SW1A, E1W     the postcodes of that outward code
    a district           SW1, E1       the district and its sub-districts (SW1A, SW1P),
                                       not E14
    a range              E1-E9         the districts E1 to E9 (and their sub-districts)
    an area              SW, E         every district of the area (not S for SW)
In a zone, the most specific rule that matches decides; an exclude wins a tie. Among the
zones that include the postcode, the one whose deciding rule is the most specific serves
it; the cheaper fee, then the older zone, breaks a tie. Outside the United Kingdom a
pattern is a full postcode of the country, a prefix of digits or letters (`101` covers
10115), or a range of prefixes of one length (`10115-10119`).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.validators import postcode_clean
from orders.pricing import ZERO

GB = "GB"
_ALLOWED = re.compile(r"^[A-Z0-9 \-]+$")
_GB_OUTWARD = re.compile(r"^([A-Z]{1,2})(?:([0-9]{1,2})([A-Z]?))?$")
_GB_FULL = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")

# How specific each kind of rule is; within a kind, the second number of the tuple.
FULL, DISTRICT, RANGE, AREA = 4, 3, 2, 1


class RuleInvalid(ValueError):
    """A pattern that is not a postcode, an outward code, a prefix or a range."""


def postcode_normal(postcode: str) -> str:
    """Upper case, without spaces: " e1  6an" -> "E16AN"."""
    return "".join(str(postcode).upper().split())


@dataclass(frozen=True)
class Rule:
    """A parsed pattern: what it matches and how specific it is."""

    kind: int
    specificity: tuple[int, int]
    text: str  # the pattern as stored
    full: str = ""  # FULL: the postcode, normalised
    area: str = ""  # GB: the letters of the outward code
    low: int = 0  # DISTRICT/RANGE: the district numbers covered (GB), or prefix range
    high: int = 0
    letter: str = ""  # GB sub-district letter
    prefix: str = ""  # outside GB: a prefix of the normalised postcode

    def matches(self, postcode: str, *, country: str) -> bool:
        """Whether the postcode (normalised, of the zone's country) is covered."""
        if self.kind == FULL:
            return postcode == self.full
        if country != GB:
            if self.kind == RANGE:
                head = postcode[: len(str(self.high))]
                return head.isdigit() and self.low <= int(head) <= self.high
            return postcode.startswith(self.prefix)
        outward = _gb_outward(postcode)
        if outward is None or outward[0] != self.area:
            return False
        if self.kind == AREA:
            return True
        number, letter = outward[1], outward[2]
        if not self.low <= number <= self.high:
            return False
        return not self.letter or letter == self.letter


def _gb_outward(postcode: str) -> tuple[str, int, str] | None:
    """(area, district number, sub-district letter) of a full GB postcode, normalised."""
    full = _GB_FULL.match(postcode)
    outward = _GB_OUTWARD.match(full.group(1)) if full else None
    if outward is None or outward.group(2) is None:
        return None
    return outward.group(1), int(outward.group(2)), outward.group(3)


def _refuse(pattern: str, reason: str) -> RuleInvalid:
    return RuleInvalid(_("Rule “%(pattern)s”: %(reason)s") % {"pattern": pattern, "reason": reason})


def _full_postcode(pattern: str, country: str) -> str | None:
    """The pattern written as the country writes a postcode, when it is a whole one."""
    if country == GB and not _GB_FULL.match(postcode_normal(pattern)):
        return None
    if country != GB and "-" in pattern:
        return None
    try:
        return postcode_clean(pattern, country)
    except ValidationError:
        return None


def rule_parse(pattern: str, *, country: str) -> Rule:
    """The rule a pattern stands for in a zone of `country`; RuleInvalid naming it if none."""
    shown = str(pattern).strip()
    text = " ".join(shown.upper().split())
    if not text:
        raise _refuse(shown, _("a rule needs a pattern."))
    if not _ALLOWED.match(text):
        raise _refuse(shown, _("use only letters, digits, spaces and one hyphen for a range."))
    full = _full_postcode(text, country)
    if full is not None:
        return Rule(kind=FULL, specificity=(FULL, 0), text=full, full=postcode_normal(full))
    compact = text.replace(" ", "")
    if "-" in compact:
        return _range_parse(shown, compact, country=country)
    if country != GB:
        return Rule(
            kind=DISTRICT, specificity=(DISTRICT, len(compact)), text=compact, prefix=compact
        )
    outward = _GB_OUTWARD.match(compact)
    if outward is None:
        raise _refuse(
            shown, _("not a postcode, an outward code (SW1), an area (SW) or a range (E1-E9).")
        )
    area, number, letter = outward.groups()
    if number is None:
        return Rule(kind=AREA, specificity=(AREA, 0), text=compact, area=area)
    return Rule(
        kind=DISTRICT,
        specificity=(DISTRICT, 1 if letter else 0),
        text=compact,
        area=area,
        low=int(number),
        high=int(number),
        letter=letter,
    )


def _range_parse(shown: str, compact: str, *, country: str) -> Rule:
    ends = compact.split("-")
    if len(ends) != 2 or not all(ends):
        raise _refuse(shown, _("a range is two ends joined by one hyphen, e.g. E1-E9."))
    if country != GB:
        low, high = ends
        if not (low.isdigit() and high.isdigit() and len(low) == len(high)):
            raise _refuse(shown, _("a range joins two numbers of the same length."))
        area, low_n, high_n = "", int(low), int(high)
    else:
        low, high = (_GB_OUTWARD.match(end) for end in ends)
        if not (low and high and low.group(2) and high.group(2)):
            raise _refuse(shown, _("a range joins two outward codes, e.g. E1-E9."))
        if low.group(3) or high.group(3):
            raise _refuse(shown, _("a range joins districts without a letter (E1-E9)."))
        if low.group(1) != high.group(1):
            raise _refuse(shown, _("a range stays within one postcode area, e.g. E1-E9."))
        area, low_n, high_n = low.group(1), int(low.group(2)), int(high.group(2))
    if low_n > high_n:
        raise _refuse(shown, _("a range runs from the lower end to the higher."))
    return Rule(
        kind=RANGE,
        specificity=(RANGE, low_n - high_n),
        text=compact,
        area=area,
        low=low_n,
        high=high_n,
    )


@dataclass(frozen=True)
class ZoneRules:
    """A zone as the matcher needs it: its money and its rules as (pattern, include)."""

    id: int | None
    name: str
    country: str
    fee: Decimal
    minimum_order: Decimal = ZERO
    free_delivery_over: Decimal | None = None
    active: bool = True
    rules: tuple[tuple[str, bool], ...] = ()


@dataclass(frozen=True)
class DeliveryQuote:
    """Whether a postcode is delivered to, by which zone, and for how much."""

    deliverable: bool
    zone_id: int | None = None
    zone: str | None = None
    fee: Decimal | None = None
    minimum_order: Decimal | None = None
    free_delivery_over: Decimal | None = None

    def missing_for_minimum(self, goods: Decimal) -> Decimal:
        return max((self.minimum_order or ZERO) - goods, ZERO)

    def missing_for_free_delivery(self, goods: Decimal) -> Decimal | None:
        """How much more buys free delivery; None when no threshold applies or it is met."""
        if self.free_delivery_over is None or not self.fee:
            return None
        missing = self.free_delivery_over - goods
        return missing if missing > 0 else None


def _deciding_rule(zone: ZoneRules, postcode: str) -> tuple[tuple[int, int], bool] | None:
    """(specificity, include) of the zone's most specific matching rule, exclude first."""
    best = None
    for pattern, include in zone.rules:
        try:
            rule = rule_parse(pattern, country=zone.country)
        except RuleInvalid:
            continue  # refused on the way in; a rule stored before a stricter check is ignored
        if rule.matches(postcode, country=zone.country):
            # At equal specificity an exclude (False) sorts before an include.
            candidate = (rule.specificity, include)
            if best is None or (candidate[0], not candidate[1]) > (best[0], not best[1]):
                best = candidate
    return best


def delivery_quote(
    *, postcode: str, country: str, zones: Iterable[ZoneRules], default_fee: Decimal
) -> DeliveryQuote:
    """Whether (and for what) a postcode of `country` is delivered to. With no zone set up
    at all, everywhere is, for `default_fee` (DELIVERY_FEE). An inactive zone serves no one,
    but its existence means the shop delivers by zones."""
    zones = list(zones)
    if not zones:
        return DeliveryQuote(
            deliverable=True, fee=default_fee, minimum_order=ZERO, free_delivery_over=None
        )
    normal, country = postcode_normal(postcode), str(country).upper()
    serving = []
    for zone in zones:
        if not zone.active or str(zone.country).upper() != country:
            continue
        decided = _deciding_rule(zone, normal)
        if decided is not None and decided[1]:
            serving.append((decided[0], zone))
    if not serving:
        return DeliveryQuote(deliverable=False)
    # The most specific match; then the cheaper fee, then the older zone.
    _, zone = min(serving, key=lambda item: (_neg(item[0]), item[1].fee, item[1].id or 0))
    return DeliveryQuote(
        deliverable=True,
        zone_id=zone.id,
        zone=zone.name,
        fee=zone.fee,
        minimum_order=zone.minimum_order,
        free_delivery_over=zone.free_delivery_over,
    )


def _neg(specificity: tuple[int, int]) -> tuple[int, int]:
    return (-specificity[0], -specificity[1])


def rules_clean(*, rules: Iterable[tuple[str, bool]], country: str) -> list[tuple[str, bool]]:
    """The rules written the canonical way (`e1 6an` -> `E1 6AN`, `sw1` -> `SW1`), or
    RuleInvalid naming the first bad one."""
    return [
        (rule_parse(pattern, country=country).text, bool(include)) for pattern, include in rules
    ]
