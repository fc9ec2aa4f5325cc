"""Delivery areas: is a postcode delivered to, for what fee, and the zones managers keep.

The matching itself is orders.delivery (pure); this module feeds it the shop's zones and
settings, refuses what checkout must not accept, and writes the zones.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_countries import countries

from accounts.validators import postcode_clean
from config.services import model_update, model_validate
from orders.delivery import DeliveryQuote, RuleInvalid, ZoneRules, delivery_quote, rules_clean
from orders.errors import (
    AddressInvalid,
    BelowMinimum,
    DeliveryRulesInvalid,
    NotDeliverable,
    PostcodeInvalid,
)
from orders.models import DeliveryZone, DeliveryZoneRule
from orders.money import money_text
from orders.pricing import ZERO, delivery_fee_due
from orders.selectors.cart import CartSummary
from orders.selectors.delivery import delivery_zones

ZONE_FIELDS = ("name", "country", "fee", "minimum_order", "free_delivery_over", "active")


def delivery_quote_for(
    *, postcode: str, country: str, zones: Iterable[ZoneRules] | None = None
) -> DeliveryQuote:
    """The quote for a postcode already known to be well formed (an address's, an order's).
    Pass `zones` (orders.selectors.delivery.delivery_zones) to match many postcodes on one
    query; without it the zones are loaded."""
    return delivery_quote(
        postcode=postcode,
        country=country,
        zones=delivery_zones() if zones is None else zones,
        default_fee=settings.DELIVERY_FEE,
    )


def delivery_check(*, postcode: str, country: str) -> tuple[str, DeliveryQuote]:
    """(the postcode as the country writes it, its quote) for anyone asking; a postcode
    that is malformed for its country is a PostcodeInvalid."""
    country = str(country or "GB").strip().upper()
    if country not in countries:
        raise PostcodeInvalid(_("Choose a country from the list."), field="country")
    try:
        written = postcode_clean(str(postcode or ""), country)
    except ValidationError as error:
        raise PostcodeInvalid(error.messages[0]) from error
    return written, delivery_quote_for(postcode=written, country=country)


def delivery_ensure(*, quote: DeliveryQuote, goods: Decimal) -> None:
    """Refuse a delivery the quote does not allow: no zone covers the address, or the goods
    (after the coupon) come to less than the zone's minimum order."""
    if not quote.deliverable:
        raise NotDeliverable(
            _("Sorry, we do not deliver to this address: choose another address, or pickup.")
        )
    missing = quote.missing_for_minimum(goods)
    if missing > 0:
        raise BelowMinimum(
            _(
                "The minimum order for delivery to %(zone)s is %(minimum)s: add %(missing)s "
                "more, or choose pickup."
            )
            % {
                "zone": quote.zone or _("this address"),
                "minimum": money_text(quote.minimum_order),
                "missing": money_text(missing),
            }
        )


def _rules_checked(rules: Iterable[Mapping[str, Any]], *, country: str) -> list[tuple[str, bool]]:
    try:
        return rules_clean(
            rules=[(rule.get("pattern", ""), rule.get("include", True)) for rule in rules],
            country=str(country),
        )
    except RuleInvalid as error:
        raise DeliveryRulesInvalid(str(error)) from error


def _rules_write(*, zone: DeliveryZone, rules: list[tuple[str, bool]]) -> None:
    zone.rules.all().delete()
    DeliveryZoneRule.objects.bulk_create(
        DeliveryZoneRule(zone=zone, pattern=pattern, include=include) for pattern, include in rules
    )


@transaction.atomic
def delivery_zone_create(*, rules: Iterable[Mapping[str, Any]], **fields) -> DeliveryZone:
    """A new zone with its rules; a bad value or rule is refused naming it, nothing written."""
    zone = DeliveryZone(**{name: fields[name] for name in ZONE_FIELDS if name in fields})
    model_validate(zone, fields=ZONE_FIELDS)
    checked = _rules_checked(rules, country=zone.country)
    zone.save()
    _rules_write(zone=zone, rules=checked)
    return zone


@transaction.atomic
def delivery_zone_update(
    *, zone: DeliveryZone, rules: Iterable[Mapping[str, Any]] | None = None, **changes
) -> DeliveryZone:
    """Change a zone's fields and (when given) replace its rules. Placed orders keep the zone
    name and fee they copied."""
    country = changes.get("country", zone.country)
    if rules is None and "country" in changes:
        rules = [{"pattern": r.pattern, "include": r.include} for r in zone.rules.all()]
    checked = None if rules is None else _rules_checked(rules, country=country)
    model_update(instance=zone, fields=ZONE_FIELDS, data=changes)
    if checked is not None:
        _rules_write(zone=zone, rules=checked)
    return zone


@transaction.atomic
def delivery_zone_delete(*, zone: DeliveryZone) -> None:
    """Delete a zone; its orders keep the name and fee they copied (their link is cleared)."""
    zone.delete()


def delivery_zone_rule_check(*, pattern: str, country: str) -> str:
    """For forms (admin's inline rules): the pattern written the canonical way, or
    DeliveryRulesInvalid naming it."""
    return _rules_checked([{"pattern": pattern}], country=country)[0][0]


def delivery_zone_save(*, zone: DeliveryZone) -> DeliveryZone:
    """Admin's door: save a zone edited in a form (its rules: delivery_zone_rules_set)."""
    model_validate(zone, fields=ZONE_FIELDS)
    zone.save()
    return zone


@transaction.atomic
def delivery_zone_rules_set(*, zone: DeliveryZone, rules: Iterable[tuple[str, bool]]) -> None:
    """Replace a zone's rules; a bad one is refused naming it, and nothing is written."""
    checked = _rules_checked(
        [{"pattern": pattern, "include": include} for pattern, include in rules],
        country=zone.country,
    )
    _rules_write(zone=zone, rules=checked)


@dataclass(frozen=True)
class CartDelivery:
    """What delivery to the customer's address would cost for a cart worth `goods`."""

    postcode: str
    country: str
    deliverable: bool
    zone: str | None
    fee: Decimal | None  # the fee that applies to these goods (0.00 when free)
    minimum_order: Decimal | None
    free_delivery_over: Decimal | None
    more_for_free_delivery: Decimal | None  # None: no threshold, or reached
    more_for_minimum: Decimal  # 0.00 once the minimum is reached


def address_for_delivery(*, user, address_id: int | None = None):
    """The customer's address to price delivery to: the one asked for (AddressInvalid if it
    is not theirs), else their first; None without any."""
    addresses = user.addresses.all()
    if address_id is None:
        return addresses.first()
    address = addresses.filter(pk=address_id).first()
    if address is None:
        raise AddressInvalid(_("There is no such address in your address book."))
    return address


def delivery_for_cart(*, summary: CartSummary) -> CartDelivery | None:
    """What delivering this cart to its owner's first address costs; None for an empty
    cart, a visitor's and a customer's without an address. The summary read the address
    with the lines; the zones' rules are one query."""
    address = summary.first_address
    if address is None or not summary.lines:
        return None
    goods = summary.subtotal
    quote = delivery_quote_for(postcode=address.postcode, country=address.country)
    return CartDelivery(
        postcode=address.postcode,
        country=address.country,
        deliverable=quote.deliverable,
        zone=quote.zone,
        fee=None
        if quote.fee is None
        else delivery_fee_due(
            fee=quote.fee, goods=goods, free_delivery_over=quote.free_delivery_over
        ),
        minimum_order=quote.minimum_order,
        free_delivery_over=quote.free_delivery_over,
        more_for_free_delivery=quote.missing_for_free_delivery(goods),
        more_for_minimum=quote.missing_for_minimum(goods) if quote.deliverable else ZERO,
    )
