"""The orders app's models, one module per area; the public names are re-exported here."""

from orders.models.cart import MAX_LINE_QUANTITY, Cart, CartLine
from orders.models.catalogue import Category, Product
from orders.models.delivery import DeliveryZone, DeliveryZoneRule
from orders.models.hours import Closure, OpeningHours
from orders.models.images import ProductImage
from orders.models.invoices import (
    CreditNote,
    CreditNoteLine,
    DocumentCounter,
    Invoice,
    InvoiceLine,
)
from orders.models.options import OptionChoice, OptionGroup
from orders.models.orders import CheckoutRequest, Coupon, Order, OrderEvent, OrderLine
from orders.models.payments import Payment, PaymentEvent, Refund
from orders.models.slots import Slot
from orders.models.stock import StockMovement

__all__ = [
    "MAX_LINE_QUANTITY",
    "Cart",
    "CartLine",
    "Category",
    "CheckoutRequest",
    "Closure",
    "Coupon",
    "CreditNote",
    "CreditNoteLine",
    "DeliveryZone",
    "DeliveryZoneRule",
    "DocumentCounter",
    "Invoice",
    "InvoiceLine",
    "OpeningHours",
    "OptionChoice",
    "OptionGroup",
    "Order",
    "OrderEvent",
    "OrderLine",
    "Payment",
    "PaymentEvent",
    "Product",
    "ProductImage",
    "Refund",
    "Slot",
    "StockMovement",
]
