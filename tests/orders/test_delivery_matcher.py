"""The delivery-zone matcher (orders.delivery): property tests with hypothesis, no database."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orders.delivery import RuleInvalid, ZoneRules, delivery_quote, rule_parse, rules_clean
from orders.pricing import delivery_fee_due

DEFAULT = Decimal("4.50")
AREAS = st.sampled_from(["E", "N", "SW", "EC", "W", "SE", "NW", "S"])
INWARD = st.from_regex(r"\A[0-9][ABD-HJLNP-UW-Z]{2}\Z")


def zone(*rules, name="Zone", fee="3.00", zone_id=1, country="GB", **kwargs):
    return ZoneRules(
        id=zone_id,
        name=name,
        country=country,
        fee=Decimal(fee),
        rules=tuple((pattern, include) for pattern, include in rules),
        **kwargs,
    )


def quote(postcode, *zones, country="GB"):
    return delivery_quote(postcode=postcode, country=country, zones=zones, default_fee=DEFAULT)


def spaced(text: str, draw) -> str:
    """The postcode with random case and spacing, as customers type it."""
    out = []
    for char in text:
        out.append(" " * draw(st.integers(0, 2)))
        out.append(char.lower() if draw(st.booleans()) else char)
    return "".join(out) + " " * draw(st.integers(0, 2))


@given(area=AREAS, district=st.integers(1, 20), inward=INWARD, data=st.data())
def test_spacing_and_case_never_change_the_answer(area, district, inward, data):
    postcode = f"{area}{district} {inward}"
    covered = zone((f"{area}{district}", True))
    typed = spaced(postcode, data.draw)
    assert quote(typed, covered) == quote(postcode, covered)
    assert quote(typed, covered).deliverable


@given(area=AREAS, low=st.integers(1, 20), span=st.integers(0, 10), district=st.integers(1, 40))
def test_a_range_covers_exactly_its_districts(area, low, span, district):
    high = low + span
    answer = quote(f"{area}{district} 1AA", zone((f"{area}{low}-{area}{high}", True)))
    assert answer.deliverable is (low <= district <= high)


@given(district=st.integers(1, 9), other=st.sampled_from(["N", "SW", "W"]))
def test_a_district_is_not_a_prefix_of_longer_districts_or_other_areas(district, other):
    covered = zone((f"E{district}", True))
    assert quote(f"E{district} 6AN", covered).deliverable
    assert quote(f"E{district}W 1AA", covered).deliverable  # a sub-district of it
    assert not quote(f"E{district}4 6AN", covered).deliverable  # E14 is not E1
    assert not quote(f"{other}{district} 6AN", covered).deliverable


def test_an_area_means_its_letters_only():
    covered = zone(("SW", True))
    assert quote("SW11 1AA", covered).deliverable
    assert not quote("S1 1AA", zone(("SW", True))).deliverable
    assert not quote("SW1A 1AA", zone(("S", True))).deliverable


@given(inward=INWARD, district=st.integers(1, 9))
def test_the_most_specific_rule_decides_and_exclude_wins_a_tie(inward, district):
    postcode = f"E{district} {inward}"
    # full postcode > district > range > area
    assert not quote(postcode, zone(("E", True), (f"E{district}", False))).deliverable
    assert quote(postcode, zone((f"E{district}", False), (postcode, True))).deliverable
    assert not quote(postcode, zone((f"E{district}", True), (postcode, False))).deliverable
    assert quote(postcode, zone(("E1-E9", False), (f"E{district}", True))).deliverable
    assert not quote(postcode, zone(("E", True), ("E1-E9", False))).deliverable
    # the same rule both ways: exclude wins, whichever comes first
    assert not quote(postcode, zone((f"E{district}", True), (f"E{district}", False))).deliverable
    assert not quote(postcode, zone((f"E{district}", False), (f"E{district}", True))).deliverable


@given(
    postcode=st.from_regex(r"\A[A-Z]{1,2}[0-9]{1,2} [0-9][A-Z]{2}\Z"),
    country=st.sampled_from(["GB", "DE", "FR"]),
)
def test_with_no_zone_everything_is_delivered_for_the_default_fee(postcode, country):
    answer = quote(postcode, country=country)
    assert answer.deliverable
    assert answer.fee == DEFAULT
    assert answer.zone is None
    assert answer.free_delivery_over is None


def test_an_address_matching_no_active_zone_is_not_delivered():
    assert not quote("N1 9GU", zone(("E1", True))).deliverable
    assert not quote("E1 6AN", zone(("E1", True), active=False)).deliverable
    assert not quote("E1 6AN", zone(("E1", True), country="IE")).deliverable


def test_the_most_specific_zone_serves_an_overlap_then_the_cheaper():
    inner = zone(("E1", True), name="Inner", fee="2.00", zone_id=1)
    outer = zone(("E", True), name="Outer", fee="5.00", zone_id=2)
    street = zone(("E1 6AN", True), name="Street", fee="9.00", zone_id=3)
    assert quote("E1 7AA", inner, outer).zone == "Inner"
    assert quote("E2 7AA", inner, outer).zone == "Outer"
    assert quote("E1 6AN", inner, outer, street).zone == "Street"
    twin = zone(("E1", True), name="Twin", fee="1.50", zone_id=4)
    assert quote("E1 7AA", inner, twin).zone == "Twin"
    # an exclude only carves a hole in its own zone
    holed = zone(("E", True), ("E1", False), name="Holed", fee="1.00", zone_id=5)
    assert quote("E1 7AA", holed, inner).zone == "Inner"


def test_postcodes_outside_the_uk_match_by_prefix_full_postcode_and_numeric_range():
    berlin = zone(("101", True), ("10115-10119", True), ("10117", False), country="DE")
    assert quote("10178", berlin, country="DE").deliverable
    assert quote("10115", berlin, country="DE").deliverable
    assert not quote("10117", berlin, country="DE").deliverable
    assert not quote("20095", berlin, country="DE").deliverable


@pytest.mark.parametrize(
    ("pattern", "country"),
    [
        ("!!", "GB"),
        ("", "GB"),
        ("   ", "GB"),
        ("E1-SW9", "GB"),
        ("E9-E1", "GB"),
        ("E1-", "GB"),
        ("E1-E2-E3", "GB"),
        ("123", "GB"),
        ("E1A-E9", "GB"),
        ("1-99", "DE"),
        ("10-0A", "DE"),
    ],
)
def test_bad_patterns_are_refused_naming_the_rule(pattern, country):
    with pytest.raises(RuleInvalid) as refused:
        rule_parse(pattern, country=country)
    assert f"“{pattern.strip()}”" in str(refused.value)


def test_patterns_are_stored_the_canonical_way():
    assert rules_clean(
        rules=[("e1 6an", 1), (" sw1a ", True), ("e1 - e9", False)], country="GB"
    ) == [
        ("E1 6AN", True),
        ("SW1A", True),
        ("E1-E9", False),
    ]


@given(
    fee=st.decimals("0.01", "20", places=2),
    threshold=st.decimals("0", "100", places=2),
    goods=st.decimals("0", "200", places=2),
)
def test_the_fee_is_waived_at_or_over_the_threshold(fee, threshold, goods):
    due = delivery_fee_due(fee=fee, goods=goods, free_delivery_over=threshold)
    assert due == (Decimal("0.00") if goods >= threshold else fee)
    assert delivery_fee_due(fee=fee, goods=goods, free_delivery_over=None) == fee


@pytest.mark.parametrize(
    ("postcode", "served_by"),
    [
        ("e1 6an", "Central"),
        ("E1W 1AA", "Central"),
        ("E14 5AB", "Inner"),
        ("E5 8AA", None),
        ("N1 9GU", None),
        ("N1 7AA", "Central"),
        ("SW1A 1AA", None),
    ],
)
def test_the_decision_records_examples_hold(postcode, served_by):
    """docs/decisions/0007-delivery-zones.md, table "Examples"."""
    central = zone(
        ("EC", True), ("E1", True), ("N1", True), ("N1 9GU", False), name="Central", zone_id=1
    )
    inner = zone(
        ("E2-E9", True), ("N4-N7", True), ("E", True), ("E5", False), name="Inner", zone_id=2
    )
    assert quote(postcode, central, inner).zone == served_by
