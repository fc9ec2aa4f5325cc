"""Prices, tax, discounts and totals: pure functions on Decimals, no database, no settings.

The cart, the checkout page, checkout itself, the API and the admin all price through
`price_order`, so the figures a customer sees before placing an order are the ones stored.

The rules
---------
- Every figure is a Decimal with two places; whenever a result has more, it is rounded
  half-up to the cent (0.125 -> 0.13), once per line.
- A line's amount is unit price x quantity, as entered in the catalogue.
- PRICES_INCLUDE_TAX on (the default, as a UK or EU shop must show consumers prices):
  the entered price is what the customer pays. The line's tax is the part of it that is
  tax, gross x rate / (1 + rate), and its net is gross - tax.
  PRICES_INCLUDE_TAX off: the entered price is before tax. The line's tax is
  net x rate, added on top: gross = net + tax.
- A coupon takes a percent of the goods (rounded half-up) or a fixed amount, never more
  than the goods; the delivery fee is not discounted. The discount is spread over the
  lines in proportion to their amounts, in whole cents: each line first gets its share
  rounded down, then the cents still missing go one each to the lines that lost the
  largest fractions (the earlier line on a tie), so the shares add up to the discount
  exactly. A line's share is taken off its amount before its tax is worked out: the
  discount reduces the tax.
- The delivery fee is the delivery zone's (orders.delivery), or DELIVERY_FEE with no zone
  set up; it is waived when the goods after the coupon (subtotal - discount) reach the
  zone's free-delivery threshold (`free_delivery_over`).
- The delivery fee is taxed the same way at DELIVERY_TAX_RATE (0 by default): with
  prices including tax the fee entered is what the customer pays, otherwise tax is added.
- The order's figures are sums of its lines (plus the delivery fee):
    subtotal     = sum of line amounts (before the discount; with tax in it when prices
                   include tax, before tax otherwise)
    discount     = sum of line discounts
    delivery_fee = the fee as entered (with tax in it when prices include tax)
    tax          = sum of line taxes + the delivery fee's tax
    total        = sum of line grosses + the delivery fee's gross
                 = subtotal - discount + delivery_fee            (prices include tax)
                 = subtotal - discount + delivery_fee + tax      (tax added on top)
  `total` is what the customer pays and what the payment provider is asked for.

Worked example (prices include tax; delivery taxed at 20%)
----------------------------------------------------------
A basket of 3 loaves at 2.35 (0% VAT), 1 bag of charcoal at 7.99 (5%) and 2 bottles of
wine at 8.99 (20%), a 10% coupon and a 4.50 delivery fee:

    amounts      bread 7.05      charcoal 7.99      wine 17.98      subtotal 33.02
    discount     10% of 33.02 = 3.302 -> 3.30
    shares       7.05 x 3.30 / 33.02 = 0.7045 -> 0.70 (remainder .45)
                 7.99 x 3.30 / 33.02 = 0.7985 -> 0.79 (remainder .85)
                 17.98 x 3.30 / 33.02 = 1.7969 -> 1.79 (remainder .69)
                 0.70 + 0.79 + 1.79 = 3.28: the 2 cents missing go to charcoal (.85) and
                 wine (.69): 0.70, 0.80, 1.80
    gross        6.35            7.19               16.18
    tax          0               7.19 x 0.05 / 1.05 = 0.3424 -> 0.34
                                                    16.18 x 0.20 / 1.20 = 2.6967 -> 2.70
    net          6.35            6.85               13.48
    delivery     4.50 gross, tax 4.50 x 0.20 / 1.20 = 0.75, net 3.75

    subtotal 33.02, discount 3.30, delivery fee 4.50, tax 0.34 + 2.70 + 0.75 = 3.79,
    total 6.35 + 7.19 + 16.18 + 4.50 = 34.22 (= 33.02 - 3.30 + 4.50), of which VAT 3.79.

The same basket with tax added on top: the shares and the net amounts are as above
(6.35, 7.19, 16.18 before tax), tax 0 + 7.19 x 0.05 = 0.3595 -> 0.36 and
16.18 x 0.20 = 3.236 -> 3.24, delivery tax 4.50 x 0.20 = 0.90, so tax 4.50 and
total 33.02 - 3.30 + 4.50 + 4.50 = 38.72.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

PERCENT = "percent"
FIXED = "fixed"


def money(amount: Decimal) -> Decimal:
    """Round half-up to the cent: 0.125 -> 0.13."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineIn:
    unit_price: Decimal
    tax_rate: Decimal
    quantity: int


@dataclass(frozen=True)
class PricedLine:
    unit_price: Decimal
    tax_rate: Decimal
    quantity: int
    amount: Decimal  # unit price x quantity, as entered
    discount: Decimal  # this line's share of the coupon
    net: Decimal
    tax: Decimal
    gross: Decimal  # what the customer pays for this line


@dataclass(frozen=True)
class Priced:
    prices_include_tax: bool
    lines: tuple[PricedLine, ...]
    subtotal: Decimal
    discount: Decimal
    delivery_fee: Decimal
    delivery_tax: Decimal
    tax: Decimal
    total: Decimal


def tax_split(
    amount: Decimal, rate: Decimal, *, prices_include_tax: bool
) -> tuple[Decimal, Decimal, Decimal]:
    """(net, tax, gross) of an amount taxed at rate; the amount is gross or net by the mode."""
    amount = money(amount)
    if prices_include_tax:
        tax = money(amount * rate / (1 + rate))
        return amount - tax, tax, amount
    tax = money(amount * rate)
    return amount, tax, amount + tax


def allocate(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split amount into cents in proportion to weights, adding up exactly (largest remainder).

    Each share is rounded down first; the cents left over go one each to the largest
    remainders, the earlier weight first on a tie. With no weight at all, the first share
    takes everything.
    """
    cents = int(money(amount) / CENT)
    total_weight = sum(weights, Decimal(0))
    if not weights:
        return []
    if total_weight == 0:
        return [money(amount)] + [ZERO] * (len(weights) - 1)
    exact = [Decimal(cents) * w / total_weight for w in weights]
    shares = [int(x.to_integral_value(rounding=ROUND_DOWN)) for x in exact]
    missing = cents - sum(shares)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in by_remainder[:missing]:
        shares[i] += 1
    return [Decimal(share) * CENT for share in shares]


def coupon_discount(*, goods: Decimal, kind: str, value: Decimal) -> Decimal:
    """A percent of the goods or a fixed amount, never more than the goods."""
    if kind == PERCENT:
        discount = money(goods * value / 100)
    elif kind == FIXED:
        discount = money(value)
    else:
        raise ValueError(f"Unknown coupon kind {kind!r}.")
    return min(discount, goods)


def delivery_fee_due(
    *, fee: Decimal, goods: Decimal, free_delivery_over: Decimal | None
) -> Decimal:
    """The delivery fee, or nothing when the goods (after the coupon) reach the threshold."""
    if free_delivery_over is not None and goods >= free_delivery_over:
        return ZERO
    return fee


def price_order(
    *,
    lines: Iterable[LineIn],
    prices_include_tax: bool,
    delivery_fee: Decimal = ZERO,
    delivery_tax_rate: Decimal = ZERO,
    coupon_kind: str = "",
    coupon_value: Decimal = ZERO,
    free_delivery_over: Decimal | None = None,
) -> Priced:
    """Price an order (or a cart): every line's discount, net, tax and gross, and the totals.
    The delivery fee is waived when the goods after the coupon reach `free_delivery_over`."""
    lines = list(lines)
    amounts = [money(line.unit_price * line.quantity) for line in lines]
    subtotal = sum(amounts, ZERO)
    discount = (
        coupon_discount(goods=subtotal, kind=coupon_kind, value=coupon_value)
        if coupon_kind
        else ZERO
    )
    shares = allocate(discount, amounts)
    priced = []
    for line, amount, share in zip(lines, amounts, shares, strict=True):
        net, tax, gross = tax_split(
            amount - share, line.tax_rate, prices_include_tax=prices_include_tax
        )
        priced.append(
            PricedLine(
                unit_price=line.unit_price,
                tax_rate=line.tax_rate,
                quantity=line.quantity,
                amount=amount,
                discount=share,
                net=net,
                tax=tax,
                gross=gross,
            )
        )
    delivery_fee = delivery_fee_due(
        fee=delivery_fee, goods=subtotal - discount, free_delivery_over=free_delivery_over
    )
    _, delivery_tax, delivery_gross = tax_split(
        delivery_fee, delivery_tax_rate, prices_include_tax=prices_include_tax
    )
    return Priced(
        prices_include_tax=prices_include_tax,
        lines=tuple(priced),
        subtotal=subtotal,
        discount=sum(shares, ZERO),
        delivery_fee=money(delivery_fee),
        delivery_tax=delivery_tax,
        tax=sum((line.tax for line in priced), ZERO) + delivery_tax,
        total=sum((line.gross for line in priced), ZERO) + delivery_gross,
    )


def tax_label(*, prices_include_tax: bool, name: str = "VAT") -> str:
    """How a price is labelled: "incl. VAT" or "plus VAT" (name is the TAX_LABEL setting)."""
    return f"incl. {name}" if prices_include_tax else f"plus {name}"


@dataclass(frozen=True)
class TaxTotal:
    rate: Decimal
    net: Decimal
    tax: Decimal
    gross: Decimal


def tax_totals(*, lines: Iterable) -> list[TaxTotal]:
    """The lines' net, tax and gross per tax rate, lowest rate first. The tax of a rate is
    the sum of its lines' tax (each rounded once), so the rates add up to the total tax."""
    sums: dict[Decimal, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO])
    for line in lines:
        total = sums[line.tax_rate]
        total[0] += line.net
        total[1] += line.tax
        total[2] += line.gross
    return [TaxTotal(rate, *sums[rate]) for rate in sorted(sums)]
