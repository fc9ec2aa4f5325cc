"""Orders API: checkout (POST), the customer's orders, cancel, staff transitions, managers'
refunds, and the invoice."""

from decimal import Decimal

import django_filters
from django.conf import settings
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import mixins, renderers, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated, NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings

from config.serializers import TextField
from config.validators import single_line
from orders.api.filters import DayFilter
from orders.days import shop_day
from orders.export import ExportInvoiceSerializer
from orders.guests import guest_link_path, guest_link_token
from orders.models import Order, OrderEvent, OrderLine, Slot
from orders.policy import Action, GuestAccess, order_may
from orders.selectors.invoices import invoice_of_order
from orders.selectors.orders import order_list, order_reloaded
from orders.services.cart import GUEST_CART_SESSION_KEY
from orders.services.checkout import (
    IDEMPOTENCY_KEY_MAX_LENGTH,
    checkout_place,
    checkout_place_as_guest,
)
from orders.services.invoices import invoice_pdf
from orders.services.payments import payment_start
from orders.services.refunds import order_refund
from orders.services.transitions import order_cancel, order_transition

IDEMPOTENCY_HEADER = "Idempotency-Key"
JSON_RENDERER = api_settings.DEFAULT_RENDERER_CLASSES[0]


class OrderSlotSerializer(serializers.ModelSerializer):
    class Meta:
        model = Slot
        fields = ["id", "kind", "starts_at", "ends_at"]


class OrderLineOptionSerializer(serializers.Serializer):
    group = serializers.CharField(help_text='The option group as bought, e.g. "Size".')
    choice = serializers.CharField(help_text='The choice as bought, e.g. "8 inch".')
    price_change = serializers.DecimalField(
        max_digits=10, decimal_places=2, help_text="What it added to the unit price."
    )


class OrderLineSerializer(serializers.ModelSerializer):
    options = OrderLineOptionSerializer(
        many=True, read_only=True, help_text="The choices as bought; later edits leave them."
    )

    class Meta:
        model = OrderLine
        fields = [
            "id",
            "product",
            "product_name",
            "sku",
            "unit_price",
            "tax_rate",
            "quantity",
            "line_total",
            "discount",
            "net",
            "tax",
            "gross",
            "options",
            "message",
        ]
        extra_kwargs = {
            "unit_price": {
                "help_text": "As entered, with the options' price changes: with tax in it when "
                "prices_include_tax."
            },
            "line_total": {"help_text": "unit_price x quantity, before the discount."},
            "discount": {"help_text": "This line's share of the coupon, in cents that add up."},
            "net": {"help_text": "The line after its discount, without tax."},
            "tax": {"help_text": "The tax of the line after its discount, rounded half-up."},
            "gross": {"help_text": "net + tax: what the customer pays for this line."},
        }


class OrderEventSerializer(serializers.ModelSerializer):
    from_status = serializers.ChoiceField(
        choices=Order.Status.choices,
        read_only=True,
        allow_blank=True,
        help_text='"" when the order was placed.',
    )
    to_status = serializers.ChoiceField(choices=Order.Status.choices, read_only=True)
    by = serializers.ChoiceField(
        source="acted_by",
        choices=OrderEvent.ACTED_BY,
        read_only=True,
        help_text="Who made the change.",
    )

    class Meta:
        model = OrderEvent
        fields = ["from_status", "to_status", "by", "note", "created_at"]


class OrderSerializer(serializers.ModelSerializer):
    slot = OrderSlotSerializer(read_only=True)
    lines = OrderLineSerializer(many=True, read_only=True)
    events = OrderEventSerializer(many=True, read_only=True)
    pay_url = serializers.CharField(read_only=True, help_text="POST here to pay.")
    can_cancel = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = [
            "number",
            "status",
            "kind",
            "slot",
            "delivery_address",
            "delivery_zone_name",
            "coupon_code",
            "note",
            "subtotal",
            "tax",
            "delivery_fee",
            "delivery_tax",
            "discount",
            "total",
            "refunded",
            "prices_include_tax",
            "currency",
            "placed_at",
            "paid_at",
            "lines",
            "events",
            "pay_url",
            "can_cancel",
        ]
        extra_kwargs = {
            "subtotal": {
                "help_text": "The sum of the lines' line_total, before the discount: with tax in "
                "it when prices_include_tax, before tax otherwise."
            },
            "tax": {
                "help_text": "The sum of the lines' tax plus the delivery fee's: already in the "
                "total when prices_include_tax, added to it otherwise."
            },
            "delivery_fee": {
                "help_text": "As entered, with its tax in it when prices_include_tax; 0 for pickup."
            },
            "delivery_zone_name": {
                "help_text": "The delivery zone's name when the order was placed (empty for "
                "pickup, or with no zone set up)."
            },
            "discount": {"help_text": "The coupon: the sum of the lines' discount."},
            "total": {
                "help_text": "What the customer pays and the payment provider is asked for: "
                "subtotal - discount + delivery_fee, plus tax unless prices_include_tax."
            },
            "refunded": {
                "help_text": "What was given back of the total (partial or full refunds); a "
                "fully refunded order is cancelled, or refunded once completed."
            },
            "prices_include_tax": {
                "help_text": "The order was priced with tax-inclusive prices (incl. VAT); false: "
                "tax was added on top."
            },
        }

    def get_can_cancel(self, order: Order) -> bool:
        by = self.context.get("by") or self.context["request"].user
        return order_may(order=order, user=by, action=Action.CANCEL)


class GuestSerializer(serializers.Serializer):
    email = TextField(max_length=254, help_text="The order's emails (with its link) go here.")
    name = TextField(max_length=150, validators=[single_line])
    phone = TextField(max_length=32, help_text="International (+44 20 7946 0000) or British.")


class GuestAddressSerializer(serializers.Serializer):
    """An address written at checkout: the fields (and rules) of an account's address."""

    recipient = TextField(max_length=150, required=False, allow_blank=True, default="")
    line1 = TextField(max_length=200)
    line2 = TextField(max_length=200, required=False, allow_blank=True, default="")
    city = TextField(max_length=100)
    postcode = TextField(max_length=16, help_text="Checked for its country's format.")
    country = TextField(max_length=2, required=False, default="GB", help_text="ISO 3166 code.")
    phone = TextField(max_length=32, required=False, allow_blank=True, default="")
    instructions = TextField(max_length=300, required=False, allow_blank=True, default="")


class GuestCheckoutInputSerializer(serializers.Serializer):
    slot = serializers.IntegerField(min_value=1)
    guest = GuestSerializer()
    address = GuestAddressSerializer(
        allow_null=True, required=False, default=None, help_text="For delivery; null for pickup."
    )
    coupon = TextField(
        max_length=32, required=False, allow_blank=True, default="", validators=[single_line]
    )
    note = TextField(
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,
        help_text="A note for the shop, up to 500 characters; line breaks are kept.",
    )


class GuestOrderSerializer(OrderSerializer):
    """A guest's order as placed: `guest_url` is the signed link to its page (also sent by
    email), and `pay_url` is where to POST (with the session's CSRF token) to pay."""

    guest_url = serializers.SerializerMethodField()
    pay_url = serializers.SerializerMethodField()

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "guest_url"]

    def get_guest_url(self, order: Order) -> str:
        return self.context["request"].build_absolute_uri(guest_link_path(number=order.number))

    def get_pay_url(self, order: Order) -> str:
        token = guest_link_token(number=order.number)
        return reverse("guest_order_pay", kwargs={"token": token})


class OrdersPermission(IsAuthenticated):
    """Signed in, as everywhere; a visitor may only place an order, when GUEST_CHECKOUT is on."""

    def has_permission(self, request, view):
        if view.action == "create" and settings.GUEST_CHECKOUT:
            return True
        return super().has_permission(request, view)


class PDFRenderer(renderers.BaseRenderer):
    """Chosen by ?format=pdf (or Accept: application/pdf); the view hands it the PDF's bytes.
    An error reply (404, 401, 429) is JSON whatever was asked for."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        renderer = JSON_RENDERER()
        renderer_context["response"]["Content-Type"] = renderer.media_type
        return renderer.render(data, renderer.media_type, renderer_context)


class PayReplySerializer(serializers.Serializer):
    redirect_url = serializers.URLField(help_text="Send the buyer here to pay.")


class CheckoutInputSerializer(serializers.Serializer):
    slot = serializers.IntegerField(min_value=1)
    address = serializers.IntegerField(
        min_value=1,
        allow_null=True,
        required=False,
        default=None,
        help_text="One of your addresses for delivery; null for pickup.",
    )
    coupon = TextField(
        max_length=32, required=False, allow_blank=True, default="", validators=[single_line]
    )
    note = TextField(
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,
        help_text="A note for the shop, up to 500 characters; line breaks are kept.",
    )


class CancelInputSerializer(serializers.Serializer):
    note = TextField(
        max_length=500, required=False, allow_blank=True, default="", validators=[single_line]
    )


class RefundLineSerializer(serializers.Serializer):
    line = serializers.IntegerField(min_value=1, help_text="The `id` of one of the order's lines.")
    quantity = serializers.IntegerField(min_value=1, max_value=32767)


class RefundInputSerializer(serializers.Serializer):
    amount = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        help_text="An amount up to what is left; leave out (with `lines`) to refund all left.",
    )
    lines = RefundLineSerializer(
        many=True, required=False, help_text="Chosen lines and how many of each to refund."
    )
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate(self, data):
        if "amount" in data and data.get("lines"):
            raise serializers.ValidationError({"amount": "Send an amount or lines, not both."})
        return data


class TransitionInputSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Order.Status.choices)
    note = TextField(
        max_length=500, required=False, allow_blank=True, default="", validators=[single_line]
    )


class OrderFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Order.Status.choices)
    slot = django_filters.ModelChoiceFilter(queryset=Slot.objects.all())
    date = DayFilter(
        field_name="slot__starts_at", method="filter_day", label="Day of the order's slot"
    )
    placed = DayFilter(
        field_name="placed_at", method="filter_day", label="Day the order was placed"
    )

    class Meta:
        model = Order
        fields = ["status", "slot", "date", "placed"]

    def filter_day(self, queryset, name, value):
        start, end = shop_day(value)
        return queryset.filter(**{f"{name}__gte": start, f"{name}__lt": end})


class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's own orders; staff who may view orders see everyone's."""

    serializer_class = OrderSerializer
    filterset_class = OrderFilter
    lookup_field = "number"
    permission_classes = [OrdersPermission]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Order.objects.none()
        return order_list(user=self.request.user)

    def _reply(self, order: Order, status_code: int = status.HTTP_200_OK) -> Response:
        """The order after the caller acted on it (so they may see it)."""
        return Response(self.get_serializer(order_reloaded(order=order)).data, status=status_code)

    @extend_schema(
        summary="Check out the cart",
        description=(
            "Places an order from the caller's cart for a slot. Sending the same "
            "Idempotency-Key again returns the first order (same status and body) and "
            "creates nothing. With GUEST_CHECKOUT on, a visitor who is not signed in checks "
            "out the session's cart with `guest: {email, name, phone}` and, for delivery, "
            "`address` as an object (the fields of an account's address), sending the "
            "session's CSRF token; the key is then scoped to that cart and email, and the "
            "reply adds `guest_url`, the signed link to the order (also emailed)."
        ),
        request=PolymorphicProxySerializer(
            component_name="CheckoutRequest",
            serializers=[CheckoutInputSerializer, GuestCheckoutInputSerializer],
            resource_type_field_name=None,
        ),
        responses={
            201: PolymorphicProxySerializer(
                component_name="CheckoutReply",
                serializers=[OrderSerializer, GuestOrderSerializer],
                resource_type_field_name=None,
            )
        },
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                description=f"A unique key per checkout, at most {IDEMPOTENCY_KEY_MAX_LENGTH} "
                "characters.",
            )
        ],
    )
    def create(self, request):
        if not request.user.is_authenticated:
            return self._create_as_guest(request)
        data = CheckoutInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order, _ = checkout_place(
            user=request.user,
            slot_id=data.validated_data["slot"],
            address_id=data.validated_data["address"],
            coupon_code=data.validated_data["coupon"],
            idempotency_key=request.headers.get(IDEMPOTENCY_HEADER, ""),
            note=data.validated_data["note"],
        )
        return self._reply(order, status.HTTP_201_CREATED)

    def _create_as_guest(self, request):
        if not isinstance(request.data, dict) or "guest" not in request.data:
            raise NotAuthenticated()  # neither signed in nor checking out as a guest
        # DRF checks CSRF only for signed-in sessions; a guest's cart is their session's.
        SessionAuthentication().enforce_csrf(request)
        data = GuestCheckoutInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        guest = data.validated_data["guest"]
        order, _ = checkout_place_as_guest(
            cart_id=request.session.get(GUEST_CART_SESSION_KEY),
            email=guest["email"],
            name=guest["name"],
            phone=guest["phone"],
            address=data.validated_data["address"],
            slot_id=data.validated_data["slot"],
            coupon_code=data.validated_data["coupon"],
            idempotency_key=request.headers.get(IDEMPOTENCY_HEADER, ""),
            note=data.validated_data["note"],
        )
        context = {**self.get_serializer_context(), "by": GuestAccess(order_id=order.pk)}
        reply = GuestOrderSerializer(order_reloaded(order=order), context=context)
        return Response(reply.data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CancelInputSerializer, responses={200: OrderSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, number=None):
        order = self.get_object()
        data = CancelInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = order_cancel(order=order, by=request.user, note=data.validated_data["note"])
        return self._reply(order)

    @extend_schema(request=TransitionInputSerializer, responses={200: OrderSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request, number=None):
        order = self.get_object()
        data = TransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = order_transition(
            order=order,
            to=data.validated_data["to"],
            by=request.user,
            note=data.validated_data["note"],
        )
        return self._reply(order)

    @extend_schema(
        summary="Refund an order, whole or in part (managers)",
        description=(
            "Refunds chosen lines, an amount, or (neither sent) everything that is left, "
            "through the payment provider. A refund of everything left ends the order."
        ),
        request=RefundInputSerializer,
        responses={
            200: OrderSerializer,
            400: OpenApiResponse(description="More than is left, or a line not of the order."),
            409: OpenApiResponse(description="Only managers refund, or nothing is left to refund."),
        },
    )
    @action(detail=True, methods=["post"])
    def refund(self, request, number=None):
        order = self.get_object()
        data = RefundInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order_refund(
            order=order,
            by=request.user,
            amount=data.validated_data.get("amount"),
            lines={item["line"]: item["quantity"] for item in data.validated_data.get("lines", [])},
            reason=data.validated_data["reason"],
        )
        return self._reply(order)

    @extend_schema(
        summary="Start paying for an order",
        description=(
            "Opens a payment with the shop's payment provider and returns `redirect_url`, "
            "the provider's payment page to send the buyer to (the sandbox's is a signed link "
            "that works for ORDER_PAYMENT_TIMEOUT and needs no sign-in). Only the customer's "
            "own order, while it waits for payment. This operation is the order's `pay_url` "
            "(an API path); the buyer comes back to the order's page on the website."
        ),
        request=None,
        responses={
            200: PayReplySerializer,
            404: OpenApiResponse(description="No such order of yours."),
            409: OpenApiResponse(
                description="The order is not waiting for payment (paid, cancelled, expired)."
            ),
            503: OpenApiResponse(description="The payment provider cannot be reached."),
        },
    )
    @action(detail=True, methods=["post"])
    def pay(self, request, number=None):
        order = self.get_object()
        return_url = request.build_absolute_uri(order.get_absolute_url()) + "?payment=returned"
        redirect_url = payment_start(order=order, by=request.user, return_url=return_url)
        return Response({"redirect_url": request.build_absolute_uri(redirect_url)})

    @extend_schema(
        summary="The order's VAT invoice",
        description=(
            "The invoice issued when the order was paid, with its credit notes; "
            "`?format=pdf` gives it as a PDF. The order's customer and staff who may see "
            "every order; a `404` before the order is paid."
        ),
        responses={
            (200, "application/json"): ExportInvoiceSerializer,
            (200, "application/pdf"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="No such order of yours, or not invoiced yet."),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[JSON_RENDERER, PDFRenderer],
    )
    def invoice(self, request, number=None):
        invoice = invoice_of_order(order=self.get_object())
        if invoice is None:
            raise NotFound("This order has no invoice yet: it is issued when the order is paid.")
        if request.accepted_renderer.format == PDFRenderer.format:
            return Response(
                invoice_pdf(invoice=invoice),
                headers={"Content-Disposition": f'inline; filename="{invoice.number}.pdf"'},
            )
        return Response(ExportInvoiceSerializer(invoice).data)
