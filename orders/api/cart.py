"""The cart API for signed-in customers. Prices and totals are computed here, never read."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from config.serializers import TextField
from orders.api.catalogue import FoodInformationSerializer
from orders.errors import CartLineNotFound
from orders.models import Cart, CartLine, Slot
from orders.pricing import LineIn
from orders.selectors.cart import CartSummary, cart_get, cart_summary
from orders.services import cart as cart_services
from orders.services.checkout import order_price
from orders.services.coupons import coupon_preview
from orders.services.delivery import (
    address_for_delivery,
    delivery_for_cart,
    delivery_quote_for,
)


class CartProductSerializer(FoodInformationSerializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    name = serializers.CharField()
    stock = serializers.IntegerField()


class CartLineOptionSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The choice's id.")
    group = serializers.CharField(help_text='The option group, e.g. "Size".')
    choice = serializers.CharField(help_text='The choice, e.g. "8 inch".')
    price_change = serializers.DecimalField(
        max_digits=10, decimal_places=2, help_text="Added to the product's price."
    )


class CartLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    product = CartProductSerializer()
    quantity = serializers.IntegerField()
    options = CartLineOptionSerializer(many=True, help_text="The chosen options.")
    message = serializers.CharField(help_text='The message for the item ("" for none).')
    options_changed = serializers.BooleanField(
        help_text="The shop changed the product's options since: remove the line, add again."
    )
    unit_price = serializers.DecimalField(
        max_digits=10, decimal_places=2, help_text="The product's price with the options'."
    )
    line_total = serializers.DecimalField(max_digits=12, decimal_places=2)
    inactive = serializers.BooleanField(help_text="The product is no longer for sale.")
    out_of_stock = serializers.BooleanField(
        help_text="Fewer in stock than this line asks for (or none at all)."
    )
    allergen_info_missing = serializers.BooleanField(
        help_text="The shop sells nothing whose allergens are unknown, and this product's are."
    )


class CartDeliverySerializer(serializers.Serializer):
    postcode = serializers.CharField(help_text=_("The postcode of the customer's first address."))
    country = serializers.CharField()
    deliverable = serializers.BooleanField()
    zone = serializers.CharField(allow_null=True, help_text=_("The delivery zone's name."))
    fee = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        allow_null=True,
        help_text=_(
            "The fee this cart would pay (0.00 once delivery is free); null: not delivered."
        ),
    )
    minimum_order = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    free_delivery_over = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    more_for_free_delivery = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        allow_null=True,
        help_text=_(
            "How much more buys free delivery; null when there is no threshold or it is met."
        ),
    )
    more_for_minimum = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        help_text=_("How much more reaches the zone's minimum order (0.00 once it does)."),
    )


class CartSerializer(serializers.Serializer):
    lines = CartLineSerializer(many=True)
    item_count = serializers.IntegerField()
    subtotal = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="The sum of the line totals."
    )
    tax = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        help_text="The tax in the subtotal when prices_include_tax, else the tax added to it.",
    )
    total = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        help_text="What the goods cost, tax included (before a coupon and a delivery fee).",
    )
    prices_include_tax = serializers.BooleanField(
        help_text="Prices are shown with tax in them (incl. VAT); false: tax is added on top."
    )
    currency = serializers.SerializerMethodField()
    has_problems = serializers.BooleanField()
    delivery = CartDeliverySerializer(
        allow_null=True,
        required=False,
        help_text=_(
            "For a signed-in customer with an address: what delivery there costs this cart; "
            "null otherwise."
        ),
    )

    def get_currency(self, summary: CartSummary) -> str:
        return settings.SHOP_CURRENCY


class CartItemAddSerializer(serializers.Serializer):
    product = serializers.IntegerField(help_text="The product's id.")
    quantity = serializers.IntegerField(default=1, help_text="1 to 99, added to any already there.")
    options = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        default=list,
        max_length=20,
        help_text="Choice ids: one per required option group of the product, at most one per "
        "optional group. Other choices or another message make another line.",
    )
    message = TextField(
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,
        help_text="A message for the item, where the product allows_message (one line, at most "
        "its message_max_length characters).",
    )


class CartItemUpdateSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(help_text="The line's new quantity, 1 to 99.")


def _cart_response(cart, *, status_code: int = status.HTTP_200_OK) -> Response:
    summary = cart_summary(cart=cart)
    reply = cart_data(summary)
    reply["delivery"] = _delivery_data(delivery_for_cart(summary=summary))
    return Response(reply, status=status_code)


def cart_data(summary: CartSummary) -> dict:
    """What CartSerializer (the schema's description of the reply) makes of the summary, as
    plain values: building the serializer's nested fields took a tenth of a cart add's
    time (bench/RESULTS.md). tests/orders/test_cart_api.py holds the two equal; a field
    added to the serializer goes here too."""
    return {
        "lines": [
            {
                "id": line.id,
                "product": {
                    "allergens": line.product.allergens,
                    "ingredients": line.product.ingredients,
                    "suitable_for": [entry.key for entry in line.product.suitable],
                    "id": line.product.pk,
                    "slug": line.product.slug,
                    "name": line.product.name,
                    "stock": line.product.stock,
                },
                "quantity": line.quantity,
                "options": [
                    {
                        "id": chosen.id,
                        "group": chosen.group,
                        "choice": chosen.choice,
                        "price_change": _MONEY.to_representation(chosen.price_change),
                    }
                    for chosen in line.options
                ],
                "message": line.message,
                "options_changed": line.options_changed,
                "unit_price": _MONEY.to_representation(line.unit_price),
                "line_total": _MONEY.to_representation(line.line_total),
                "inactive": line.inactive,
                "out_of_stock": line.out_of_stock,
                "allergen_info_missing": line.allergen_info_missing,
            }
            for line in summary.lines
        ],
        "item_count": summary.item_count,
        "subtotal": _MONEY.to_representation(summary.subtotal),
        "tax": _MONEY.to_representation(summary.tax),
        "total": _MONEY.to_representation(summary.total),
        "prices_include_tax": summary.prices_include_tax,
        "currency": settings.SHOP_CURRENCY,
        "has_problems": summary.has_problems,
    }


_MONEY = serializers.DecimalField(max_digits=12, decimal_places=2)


def _delivery_data(delivery) -> dict | None:
    return None if delivery is None else CartDeliverySerializer(delivery).data


class CartView(APIView):
    @extend_schema(responses=CartSerializer)
    def get(self, request):
        """The customer's cart at current prices, with each line's total and flags."""
        return _cart_response(cart_get(user=request.user))


class CheckoutPreviewInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=Slot.Kind.choices, help_text="delivery (with its fee) or pickup."
    )
    coupon = serializers.CharField(
        required=False, allow_blank=True, max_length=32, help_text="A coupon code to try."
    )
    address = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text=_(
            "For delivery: one of your addresses (its zone sets the fee); default: your first."
        ),
    )


def _money_field(help_text: str):
    return serializers.DecimalField(max_digits=12, decimal_places=2, help_text=help_text)


class CheckoutPreviewSerializer(serializers.Serializer):
    kind = serializers.CharField()
    coupon = serializers.CharField(allow_null=True, help_text="The coupon applied, or null.")
    subtotal = _money_field("The sum of the line totals.")
    discount = _money_field("The coupon's discount.")
    delivery_fee = _money_field(
        "The delivery fee: the address's zone's, 0.00 at or over its free-delivery threshold "
        "after the coupon, and for pickup."
    )
    deliverable = serializers.BooleanField(
        allow_null=True,
        help_text=_("Whether the address is delivered to; null for pickup or with no address."),
    )
    zone = serializers.CharField(allow_null=True, help_text=_("The address's delivery zone."))
    tax = _money_field("The tax in the total when prices_include_tax, else added to it.")
    total = _money_field("What checking out now would ask to pay.")
    prices_include_tax = serializers.BooleanField()
    currency = serializers.CharField()


class CheckoutPreviewView(APIView):
    @extend_schema(parameters=[CheckoutPreviewInputSerializer], responses=CheckoutPreviewSerializer)
    def get(self, request):
        """What checking out the cart would cost, for delivery or pickup and with a coupon,
        before the order is placed. A coupon that checkout would refuse is a 400 naming
        `coupon`; the coupon is not used up by a preview."""
        given = CheckoutPreviewInputSerializer(data=request.query_params)
        given.is_valid(raise_exception=True)
        code = given.validated_data.get("coupon", "").strip()
        coupon = coupon_preview(code=code) if code else None
        summary = cart_summary(cart=cart_get(user=request.user))
        kind = given.validated_data["kind"]
        quote = None
        if kind == Slot.Kind.DELIVERY:
            address = address_for_delivery(
                user=request.user, address_id=given.validated_data.get("address")
            )
            if address is not None:
                quote = delivery_quote_for(postcode=address.postcode, country=address.country.code)
        priced = order_price(
            lines=[
                LineIn(ln.unit_price, ln.product.tax_rate, ln.quantity)
                for ln in summary.lines
                if not ln.has_problem
            ],
            kind=kind,
            coupon=coupon,
            quote=quote,
        )
        reply = {
            "kind": given.validated_data["kind"],
            "coupon": coupon.code if coupon else None,
            "subtotal": priced.subtotal,
            "discount": priced.discount,
            "delivery_fee": priced.delivery_fee,
            "deliverable": quote.deliverable if quote else None,
            "zone": quote.zone if quote else None,
            "tax": priced.tax,
            "total": priced.total,
            "prices_include_tax": priced.prices_include_tax,
            "currency": settings.SHOP_CURRENCY,
        }
        return Response(CheckoutPreviewSerializer(reply).data)


class CartItemViewSet(viewsets.GenericViewSet):
    """Lines of the customer's own cart. Another customer's line is a 404."""

    queryset = CartLine.objects.none()  # lets the schema type the path id; services scope rows
    lookup_value_regex = r"\d+"
    filter_backends = []

    @extend_schema(request=CartItemAddSerializer, responses={201: CartSerializer})
    def create(self, request):
        data = self._valid(CartItemAddSerializer, request.data)
        line = cart_services.cart_add_for_user(
            user=request.user,
            product_id=data["product"],
            quantity=data["quantity"],
            choice_ids=data["options"],
            message=data["message"],
        )
        return _cart_response(line.cart, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=CartItemUpdateSerializer, responses=CartSerializer)
    def partial_update(self, request, pk: str):
        data = self._valid(CartItemUpdateSerializer, request.data)
        cart = self._own_cart()
        cart_services.cart_line_update(cart=cart, line_id=int(pk), quantity=data["quantity"])
        return _cart_response(cart)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk: str):
        cart_services.cart_line_remove(cart=self._own_cart(), line_id=int(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _own_cart(self) -> Cart:
        cart = cart_get(user=self.request.user)
        if cart is None:
            raise CartLineNotFound()
        return cart

    @staticmethod
    def _valid(serializer_class, data) -> dict:
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data
