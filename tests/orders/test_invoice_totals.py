"""An invoice's totals are the order's, to the penny, whatever the basket (property tests).

The invoice's lines are drafted from the order as checkout priced it (orders/pricing.py):
the product lines, then the delivery fee. Drafting needs no database, so hypothesis
tries thousands of baskets: tax-inclusive and tax-exclusive shops, percent and fixed
coupons, delivery fees taxed or not.
"""

from decimal import Decimal

from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from orders.models import Order, OrderLine
from orders.pricing import LineIn, price_order, tax_totals
from orders.services.invoices import invoice_lines_draft

D = Decimal

cents = st.integers(min_value=1, max_value=2_000_000).map(lambda c: Decimal(c) / 100)
rates = st.sampled_from([D("0"), D("0.05"), D("0.125"), D("0.2"), D("0.21")])
baskets = st.lists(
    st.builds(LineIn, unit_price=cents, tax_rate=rates, quantity=st.integers(1, 99)),
    min_size=1,
    max_size=8,
)
coupons = st.one_of(
    st.just(("", D(0))),
    st.tuples(st.just("percent"), st.integers(1, 10_000).map(lambda v: Decimal(v) / 100)),
    st.tuples(st.just("fixed"), st.integers(1, 10_000_000).map(lambda v: Decimal(v) / 100)),
)
fees = st.sampled_from([D("0"), D("0.99"), D("4.50"), D("12.35")])


def _order(priced) -> tuple[Order, list[OrderLine]]:
    """The order and lines checkout would store for this pricing (unsaved)."""
    order = Order(
        prices_include_tax=priced.prices_include_tax,
        subtotal=priced.subtotal,
        discount=priced.discount,
        delivery_fee=priced.delivery_fee,
        delivery_tax=priced.delivery_tax,
        tax=priced.tax,
        total=priced.total,
    )
    lines = [
        OrderLine(
            product_name=f"Product {i}",
            sku=f"SKU-{i}",
            unit_price=line.unit_price,
            tax_rate=line.tax_rate,
            quantity=line.quantity,
            line_total=line.amount,
            discount=line.discount,
            net=line.net,
            tax=line.tax,
            gross=line.gross,
        )
        for i, line in enumerate(priced.lines)
    ]
    return order, lines


@settings(max_examples=400, deadline=None)
@given(basket=baskets, include=st.booleans(), coupon=coupons, fee=fees, fee_rate=rates)
def test_the_invoice_adds_up_to_the_order_to_the_penny(basket, include, coupon, fee, fee_rate):
    with override_settings(DELIVERY_TAX_RATE=fee_rate):
        priced = price_order(
            lines=basket,
            prices_include_tax=include,
            delivery_fee=fee,
            delivery_tax_rate=fee_rate,
            coupon_kind=coupon[0],
            coupon_value=coupon[1],
        )
        order, order_lines = _order(priced)
        lines = invoice_lines_draft(order=order, lines=order_lines)

    gross = sum(line.gross for line in lines)
    tax = sum(line.tax for line in lines)
    net = sum(line.net for line in lines)
    assert gross == order.total
    assert tax == order.tax
    assert net + tax == order.total
    assert sum(line.discount for line in lines) == order.discount
    for line in lines:
        assert line.net + line.tax == line.gross
        assert min(line.net, line.tax, line.gross) >= 0
    per_rate = tax_totals(lines=lines)
    assert sum(total.tax for total in per_rate) == order.tax
    assert sum(total.gross for total in per_rate) == order.total
    assert len({total.rate for total in per_rate}) == len(per_rate)
    if fee:
        delivery = lines[-1]
        assert delivery.description == "Delivery"
        assert delivery.tax == order.delivery_tax
        assert delivery.tax_rate == fee_rate.quantize(D("0.0001"))
    else:
        assert len(lines) == len(order_lines)


def test_the_delivery_line_keeps_the_rate_of_its_order_after_the_setting_changed(settings):
    priced = price_order(
        lines=[LineIn(D("10.00"), D("0.2"), 1)],
        prices_include_tax=True,
        delivery_fee=D("4.50"),
        delivery_tax_rate=D("0.2"),
    )
    order, order_lines = _order(priced)
    settings.DELIVERY_TAX_RATE = D("0.05")

    delivery = invoice_lines_draft(order=order, lines=order_lines)[-1]

    assert (delivery.net, delivery.tax_rate, delivery.tax, delivery.gross) == (
        D("3.75"),
        D("0.2000"),
        D("0.75"),
        D("4.50"),
    )
