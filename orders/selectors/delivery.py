"""Reads of the delivery zones, in the shape orders.delivery matches postcodes against."""

from collections import defaultdict

from django.db.models import QuerySet

from orders.delivery import ZoneRules
from orders.models import DeliveryZone


def delivery_zones() -> list[ZoneRules]:
    """Every zone (inactive ones too: their existence means the shop delivers by zones)
    with its rules, in one query; load it once per request and match as often as needed."""
    rows = DeliveryZone.objects.order_by("pk", "rules__pk").values(
        "pk",
        "name",
        "country",
        "fee",
        "minimum_order",
        "free_delivery_over",
        "active",
        "rules__pattern",
        "rules__include",
    )
    zones: dict[int, dict] = {}
    rules: dict[int, list[tuple[str, bool]]] = defaultdict(list)
    for row in rows:
        zones.setdefault(row["pk"], row)
        if row["rules__pattern"] is not None:
            rules[row["pk"]].append((row["rules__pattern"], row["rules__include"]))
    return [
        ZoneRules(
            id=pk,
            name=row["name"],
            country=str(row["country"]),
            fee=row["fee"],
            minimum_order=row["minimum_order"],
            free_delivery_over=row["free_delivery_over"],
            active=row["active"],
            rules=tuple(rules[pk]),
        )
        for pk, row in zones.items()
    ]


def delivery_zone_list() -> QuerySet[DeliveryZone]:
    """Zones with their rules, for managers (two queries whatever the page size)."""
    return DeliveryZone.objects.prefetch_related("rules").order_by("name", "pk")
