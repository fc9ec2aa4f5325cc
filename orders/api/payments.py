"""The payment providers' webhook endpoint."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from orders.services.payments import payment_webhook_receive


class PaymentWebhookView(APIView):
    """Providers sign their calls; there is no user, no session, no CSRF and no throttle."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = []

    @extend_schema(
        summary="Receive a payment provider's webhook",
        description=(
            "Called by the payment provider (`sandbox` or `stripe`, whichever PAYMENT_PROVIDER "
            "names), never by clients. The signature header is checked first. Each provider "
            "event is applied once however often it is delivered; an event for an unknown "
            "payment, or whose amount or currency does not match the order, is recorded and "
            "not applied."
        ),
        request={"application/json": {"type": "object"}},
        responses={
            200: inline_serializer(
                "PaymentWebhookReply",
                {"received": serializers.ListField(child=serializers.CharField())},
            ),
            400: OpenApiResponse(
                description="Bad or missing signature, stale timestamp, or a malformed body."
            ),
            404: OpenApiResponse(description="No such payment provider in use."),
        },
        auth=[],
    )
    def post(self, request, provider: str):
        outcomes = payment_webhook_receive(
            provider=provider, body=request.body, headers=request.headers
        )
        return Response({"received": outcomes})
