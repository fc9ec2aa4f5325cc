"""Delivery areas in the API: anyone may ask whether a postcode is delivered to; managers
keep the zones. The rules are orders.services.delivery's."""

from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.serializers import TextField
from orders import permissions
from orders.selectors.delivery import delivery_zone_list
from orders.services.delivery import (
    delivery_check,
    delivery_zone_create,
    delivery_zone_delete,
    delivery_zone_update,
)


def _money(help_text: str, **kwargs):
    return serializers.DecimalField(max_digits=10, decimal_places=2, help_text=help_text, **kwargs)


class DeliveryRuleSerializer(serializers.Serializer):
    # Blank is let through so the service refuses it as a rule, naming `rules`.
    pattern = TextField(
        max_length=20,
        allow_blank=True,
        help_text=_(
            "A full postcode (E1 6AN), an outward code or prefix (SW1), or a range (E1-E9)."
        ),
    )
    include = serializers.BooleanField(
        default=True, help_text=_("false: the postcodes it matches are excluded.")
    )


class DeliveryZoneSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = TextField(max_length=100)
    country = serializers.ChoiceField(
        choices=list(countries), help_text=_("ISO 3166 code, e.g. GB.")
    )
    rules = DeliveryRuleSerializer(
        many=True,
        help_text=_("The most specific matching rule decides; an exclude wins a tie."),
    )
    fee = _money(_("The delivery fee in this zone."), min_value=0)
    minimum_order = _money(
        _("Orders of less (goods after the coupon) are refused."), min_value=0, default="0.00"
    )
    free_delivery_over = _money(
        _("Orders of this much or more (after the coupon) are delivered free; null: never."),
        min_value=0,
        allow_null=True,
        default=None,
    )
    active = serializers.BooleanField(default=True)

    def to_representation(self, zone):
        reply = super().to_representation(zone)
        reply["country"] = str(zone.country)
        reply["rules"] = [{"pattern": r.pattern, "include": r.include} for r in zone.rules.all()]
        return reply


class ManagesDeliveryZones(BasePermission):
    message = _("Only managers keep the delivery zones.")

    def has_permission(self, request, view):
        return request.user.has_perm(permissions.EDIT_DELIVERY_ZONES)


class DeliveryZoneViewSet(viewsets.GenericViewSet):
    """The shop's delivery zones (managers). Editing or deleting a zone never changes an
    order already placed: orders keep the zone name and fee they copied."""

    permission_classes = [IsAuthenticated, ManagesDeliveryZones]
    serializer_class = DeliveryZoneSerializer
    lookup_value_regex = r"\d{1,18}"
    filter_backends = []

    def get_queryset(self):
        return delivery_zone_list()

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(DeliveryZoneSerializer(page, many=True).data)

    @extend_schema(request=DeliveryZoneSerializer, responses={201: DeliveryZoneSerializer})
    def create(self, request):
        data = DeliveryZoneSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        zone = delivery_zone_create(**data.validated_data)
        return Response(
            DeliveryZoneSerializer(self._fresh(zone.pk)).data, status=status.HTTP_201_CREATED
        )

    def retrieve(self, request, pk=None):
        return Response(DeliveryZoneSerializer(self.get_object()).data)

    @extend_schema(request=DeliveryZoneSerializer(partial=True))
    def partial_update(self, request, pk=None):
        zone = self.get_object()
        data = DeliveryZoneSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        delivery_zone_update(zone=zone, **data.validated_data)
        return Response(DeliveryZoneSerializer(self._fresh(zone.pk)).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        delivery_zone_delete(zone=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _fresh(self, pk: int):
        return self.get_queryset().get(pk=pk)


class DeliveryCheckInputSerializer(serializers.Serializer):
    postcode = TextField(max_length=16, help_text=_("The postcode to ask about."))
    country = TextField(
        max_length=2, default="GB", help_text=_("ISO 3166 code of the postcode's country.")
    )


class DeliveryCheckSerializer(serializers.Serializer):
    deliverable = serializers.BooleanField()
    zone = serializers.CharField(allow_null=True, help_text=_("The zone's name, or null."))
    fee = _money(_("The delivery fee; null when not deliverable."), allow_null=True)
    minimum_order = _money(_("The smallest order delivered there."), allow_null=True)
    free_delivery_over = _money(
        _("Orders of this much or more are delivered free; null: never."), allow_null=True
    )


class DeliveryCheckView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(parameters=[DeliveryCheckInputSerializer], responses=DeliveryCheckSerializer)
    def get(self, request):
        """Whether the shop delivers to a postcode, in which zone and for what. A postcode
        malformed for its country is a 400 naming `postcode`."""
        given = DeliveryCheckInputSerializer(data=request.query_params)
        given.is_valid(raise_exception=True)
        _postcode, quote = delivery_check(**given.validated_data)
        return Response(
            DeliveryCheckSerializer(
                {
                    "deliverable": quote.deliverable,
                    "zone": quote.zone,
                    "fee": quote.fee,
                    "minimum_order": quote.minimum_order,
                    "free_delivery_over": quote.free_delivery_over,
                }
            ).data
        )
