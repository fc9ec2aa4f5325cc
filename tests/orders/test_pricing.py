"""orders/pricing.py: worked examples checked by hand, and properties over random baskets."""

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orders.pricing import (
    LineIn,
    allocate,
    coupon_discount,
    money,
    price_order,
    tax_label,
    tax_split,
)

D = Decimal

# The basket of the module's worked example: 3 loaves at 2.35 (0%), charcoal at 7.99 (5%),
# 2 bottles of wine at 8.99 (20%).
BASKET = [
    LineIn(D("2.35"), D("0"), 3),
    LineIn(D("7.99"), D("0.05"), 1),
    LineIn(D("8.99"), D("0.2"), 2),
]
# A bread roll at 0.80 (0%): cheaper than the fixed coupon below.
CHEAP_BASKET = [
    LineIn(D("0.80"), D("0"), 1),
    LineIn(D("7.99"), D("0.05"), 1),
    LineIn(D("8.99"), D("0.2"), 2),
]


def _lines(priced):
    return [
        tuple(str(x) for x in (line.amount, line.discount, line.net, line.tax, line.gross))
        for line in priced.lines
    ]


def _order(priced):
    return tuple(
        str(x)
        for x in (
            priced.subtotal,
            priced.discount,
            priced.delivery_fee,
            priced.delivery_tax,
            priced.tax,
            priced.total,
        )
    )


def _price(lines, *, include, coupon=None, fee="4.50", fee_rate="0.20"):
    """Priced with a 4.50 delivery fee taxed at 20% unless told otherwise."""
    kind, value = coupon or ("", D(0))
    return price_order(
        lines=lines,
        prices_include_tax=include,
        delivery_fee=D(fee),
        delivery_tax_rate=D(fee_rate),
        coupon_kind=kind,
        coupon_value=value,
    )


def test_worked_example_percent_coupon_prices_including_vat():
    priced = _price(BASKET, include=True, coupon=("percent", D("10")))
    # 10% of 33.02 = 3.302 -> 3.30; shares 0.7045, 0.7985, 1.7969 round down to 0.70, 0.79,
    # 1.79 (3.28): the 2 cents missing go to the largest remainders, .85 and .69.
    # VAT in 7.19 at 5% = 0.3424 -> 0.34; in 16.18 at 20% = 2.6967 -> 2.70.
    assert _lines(priced) == [
        ("7.05", "0.70", "6.35", "0.00", "6.35"),
        ("7.99", "0.80", "6.85", "0.34", "7.19"),
        ("17.98", "1.80", "13.48", "2.70", "16.18"),
    ]
    # Delivery 4.50 with 20% VAT in it: 0.75. Total 33.02 - 3.30 + 4.50 = 34.22.
    assert _order(priced) == ("33.02", "3.30", "4.50", "0.75", "3.79", "34.22")


def test_worked_example_percent_coupon_tax_added_on_top():
    priced = _price(BASKET, include=False, coupon=("percent", D("10")))
    # Same shares; 7.19 x 5% = 0.3595 -> 0.36; 16.18 x 20% = 3.236 -> 3.24; fee 4.50 + 0.90.
    assert _lines(priced) == [
        ("7.05", "0.70", "6.35", "0.00", "6.35"),
        ("7.99", "0.80", "7.19", "0.36", "7.55"),
        ("17.98", "1.80", "16.18", "3.24", "19.42"),
    ]
    # Total 33.02 - 3.30 + 4.50 + 4.50 tax = 38.72.
    assert _order(priced) == ("33.02", "3.30", "4.50", "0.90", "4.50", "38.72")


def test_worked_example_fixed_coupon_bigger_than_a_cheap_line_prices_including_vat():
    priced = _price(CHEAP_BASKET, include=True, coupon=("fixed", D("5")))
    # 5.00 over 0.80, 7.99, 17.98 (26.77): 0.1494, 1.4923, 3.3582 -> 0.14, 1.49, 3.35 (4.98);
    # the 2 cents go to the remainders .94 and .82. The roll gives 0.15, not the whole 5.00.
    # VAT in 6.50 at 5% = 0.3095 -> 0.31; in 14.62 at 20% = 2.4367 -> 2.44; delivery 0.75.
    assert _lines(priced) == [
        ("0.80", "0.15", "0.65", "0.00", "0.65"),
        ("7.99", "1.49", "6.19", "0.31", "6.50"),
        ("17.98", "3.36", "12.18", "2.44", "14.62"),
    ]
    # Total 26.77 - 5.00 + 4.50 = 26.27, of which VAT 0.31 + 2.44 + 0.75 = 3.50.
    assert _order(priced) == ("26.77", "5.00", "4.50", "0.75", "3.50", "26.27")


def test_worked_example_fixed_coupon_bigger_than_a_cheap_line_tax_added_on_top():
    priced = _price(CHEAP_BASKET, include=False, coupon=("fixed", D("5")))
    # 6.50 x 5% = 0.325: half a cent rounds up to 0.33; 14.62 x 20% = 2.924 -> 2.92.
    assert _lines(priced) == [
        ("0.80", "0.15", "0.65", "0.00", "0.65"),
        ("7.99", "1.49", "6.50", "0.33", "6.83"),
        ("17.98", "3.36", "14.62", "2.92", "17.54"),
    ]
    # Total 26.77 - 5.00 + 4.50 + 4.15 tax = 30.42 (0.65 + 6.83 + 17.54 + 5.40).
    assert _order(priced) == ("26.77", "5.00", "4.50", "0.90", "4.15", "30.42")


@pytest.mark.parametrize("include", [True, False])
def test_a_coupon_bigger_than_the_goods_leaves_only_the_delivery_to_pay(include):
    priced = _price(CHEAP_BASKET, include=include, coupon=("fixed", D("500")), fee_rate="0")
    assert priced.discount == priced.subtotal == D("26.77")
    assert [line.gross for line in priced.lines] == [D("0.00")] * 3
    assert (priced.tax, priced.total) == (D("0.00"), D("4.50"))


def test_pickup_without_a_coupon_when_prices_include_vat_costs_the_shelf_prices():
    priced = _price(BASKET, include=True, fee="0")
    assert priced.total == priced.subtotal == D("33.02")
    # VAT in 7.99 at 5% = 0.3805 -> 0.38, in 17.98 at 20% = 2.9967 -> 3.00.
    assert priced.tax == D("3.38")


@pytest.mark.parametrize(
    ("amount", "rate", "include", "expected"),
    [
        ("1.05", "0.05", True, ("1.00", "0.05", "1.05")),
        ("1.00", "0.05", False, ("1.00", "0.05", "1.05")),
        ("0.63", "0.2", False, ("0.63", "0.13", "0.76")),  # 0.126 -> 0.13
        ("2.50", "0.05", False, ("2.50", "0.13", "2.63")),  # 0.125: half up
        ("2.52", "0.05", True, ("2.40", "0.12", "2.52")),  # 0.12 exactly
        ("0.00", "0.2", True, ("0.00", "0.00", "0.00")),
    ],
)
def test_tax_split_rounds_half_up_to_the_cent(amount, rate, include, expected):
    result = tax_split(D(amount), D(rate), prices_include_tax=include)
    assert tuple(str(x) for x in result) == expected


@pytest.mark.parametrize(
    ("amount", "weights", "expected"),
    [
        ("1.00", ["1", "1", "1"], ["0.34", "0.33", "0.33"]),  # a tie: the earlier line
        # 0.2, 0.4, 1.4 cents: 0, 0, 1, and the last cent ties .4 with .4: the earlier.
        ("0.02", ["1", "2", "7"], ["0.00", "0.01", "0.01"]),
        ("3.30", ["7.05", "7.99", "17.98"], ["0.70", "0.80", "1.80"]),
        ("0.00", ["5", "5"], ["0.00", "0.00"]),
        ("1.00", ["0", "0"], ["1.00", "0.00"]),
    ],
)
def test_allocate_splits_cents_by_the_largest_remainder(amount, weights, expected):
    assert allocate(D(amount), [D(w) for w in weights]) == [D(x) for x in expected]


def test_a_percent_coupon_rounds_half_up_and_a_fixed_one_never_passes_the_goods():
    assert coupon_discount(goods=D("12.95"), kind="percent", value=D("10")) == D("1.30")
    assert coupon_discount(goods=D("2.00"), kind="fixed", value=D("50")) == D("2.00")
    assert coupon_discount(goods=D("9.99"), kind="percent", value=D("100")) == D("9.99")
    with pytest.raises(ValueError):
        coupon_discount(goods=D("1"), kind="bogus", value=D("1"))


def test_labels_say_whether_tax_is_in_the_price():
    assert tax_label(prices_include_tax=True) == "incl. VAT"
    assert tax_label(prices_include_tax=False, name="tax") == "plus tax"
    assert money(D("0.125")) == D("0.13")


# --- Properties over random baskets -----------------------------------------------------

cents = st.integers(min_value=0, max_value=10_000_000).map(lambda c: Decimal(c) / 100)
rates = st.one_of(
    st.sampled_from([D("0"), D("0.05"), D("0.2"), D("0.125"), D("1")]),
    st.integers(min_value=0, max_value=10_000).map(lambda r: Decimal(r) / 10_000),
)
lines = st.lists(
    st.builds(LineIn, unit_price=cents, tax_rate=rates, quantity=st.integers(1, 99)),
    min_size=1,
    max_size=12,
)
coupons = st.one_of(
    st.just(("", D(0))),
    st.tuples(st.just("percent"), st.integers(1, 10_000).map(lambda v: Decimal(v) / 100)),
    st.tuples(st.just("fixed"), st.integers(1, 100_000_000).map(lambda v: Decimal(v) / 100)),
)
fees = st.integers(min_value=0, max_value=5_000).map(lambda c: Decimal(c) / 100)


def _two_places(x: Decimal) -> bool:
    return x.as_tuple().exponent == -2


@settings(max_examples=300, deadline=None)
@given(lines=lines, include=st.booleans(), coupon=coupons, fee=fees, fee_rate=rates)
def test_every_basket_adds_up_exactly_in_both_modes(lines, include, coupon, fee, fee_rate):
    priced = price_order(
        lines=lines,
        prices_include_tax=include,
        delivery_fee=fee,
        delivery_tax_rate=fee_rate,
        coupon_kind=coupon[0],
        coupon_value=coupon[1],
    )
    figures = [
        priced.subtotal,
        priced.discount,
        priced.delivery_fee,
        priced.delivery_tax,
        priced.tax,
        priced.total,
    ]
    for line in priced.lines:
        figures += [line.amount, line.discount, line.net, line.tax, line.gross]
    assert all(_two_places(x) for x in figures), figures
    assert all(x >= 0 for x in figures), figures

    # The lines add up to the order exactly.
    assert sum(line.amount for line in priced.lines) == priced.subtotal
    assert sum(line.discount for line in priced.lines) == priced.discount
    assert sum(line.tax for line in priced.lines) + priced.delivery_tax == priced.tax
    delivery_gross = priced.delivery_fee + (0 if include else priced.delivery_tax)
    assert sum(line.gross for line in priced.lines) + delivery_gross == priced.total
    if include:
        assert priced.total == priced.subtotal - priced.discount + priced.delivery_fee
    else:
        assert priced.total == (
            priced.subtotal - priced.discount + priced.delivery_fee + priced.tax
        )

    # The discount never exceeds the goods, nor any line's share its line.
    assert priced.discount <= priced.subtotal
    for line, given_line in zip(priced.lines, lines, strict=True):
        assert line.amount == money(given_line.unit_price * given_line.quantity)
        assert 0 <= line.discount <= line.amount
        assert line.net + line.tax == line.gross
        # Each share is within a cent of its exact proportional part.
        if priced.subtotal:
            exact = priced.discount * line.amount / priced.subtotal
            assert abs(line.discount - exact) < D("0.01")
        # Tax is the rounded part of the discounted amount that is tax, or added on top.
        taxed = line.amount - line.discount
        if include:
            assert line.gross == taxed
            exact_tax = taxed * line.tax_rate / (1 + line.tax_rate)
        else:
            assert line.net == taxed
            exact_tax = taxed * line.tax_rate
        assert abs(line.tax - exact_tax) <= D("0.005")


def test_a_delivery_tax_rate_given_as_a_percentage_stops_the_start_clearly():
    env = {**os.environ, "DELIVERY_TAX_RATE": "20"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "DELIVERY_TAX_RATE is a fraction from 0 to 1 (0.20 for 20%), not 20." in result.stderr
