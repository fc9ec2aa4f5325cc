"""The notifications API: the caller's inbox, unread count, reading, and email preferences."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from notifications.selectors import (
    notification_list,
    notification_unread_count,
    webhook_delivery_list,
    webhook_endpoint_list,
)
from notifications.serializers import (
    MarkedSerializer,
    NotificationSerializer,
    PreferencesSerializer,
    UnreadCountSerializer,
    WebhookDeliverySerializer,
    WebhookEndpointInputSerializer,
    WebhookEndpointSerializer,
    WebhookEndpointWithSecretSerializer,
)
from notifications.services import (
    notification_mark_read,
    notifications_mark_all_read,
    preferences_get,
    preferences_set,
)
from notifications.webhooks import (
    MANAGE_WEBHOOKS,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_update,
)


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Only the caller's own notifications; someone else's is a 404."""

    serializer_class = NotificationSerializer
    lookup_value_regex = r"\d{1,18}"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return notification_list(user=None).none()
        return notification_list(user=self.request.user)

    @extend_schema(responses=UnreadCountSerializer)
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        return Response({"unread": notification_unread_count(user=request.user)})

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = notification_mark_read(user=request.user, notification_id=int(pk))
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses=MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": notifications_mark_all_read(user=request.user)})


class PreferencesView(APIView):
    """Which kinds of notification the caller also wants by email."""

    @extend_schema(responses=PreferencesSerializer)
    def get(self, request):
        return Response({"email": preferences_get(user=request.user)})

    @extend_schema(request=PreferencesSerializer, responses=PreferencesSerializer)
    def put(self, request):
        data = PreferencesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        preferences_set(user=request.user, email=data.validated_data["email"])
        return Response({"email": preferences_get(user=request.user)})


class ManagesWebhooks(BasePermission):
    message = "Only managers keep the webhook endpoints."

    def has_permission(self, request, view):
        return request.user.has_perm(MANAGE_WEBHOOKS)


class WebhookEndpointViewSet(viewsets.GenericViewSet):
    """Managers' webhook endpoints: the secret is in the reply only when it is made (on
    creation and rotate-secret)."""

    permission_classes = [IsAuthenticated, ManagesWebhooks]
    serializer_class = WebhookEndpointSerializer
    lookup_value_regex = r"\d{1,18}"

    def get_queryset(self):
        return webhook_endpoint_list()

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(WebhookEndpointSerializer(page, many=True).data)

    @extend_schema(
        request=WebhookEndpointInputSerializer, responses={201: WebhookEndpointWithSecretSerializer}
    )
    def create(self, request):
        data = WebhookEndpointInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = webhook_endpoint_create(**data.validated_data)
        return Response(
            WebhookEndpointWithSecretSerializer(endpoint).data, status=status.HTTP_201_CREATED
        )

    def retrieve(self, request, pk=None):
        return Response(WebhookEndpointSerializer(self.get_object()).data)

    @extend_schema(request=WebhookEndpointInputSerializer(partial=True))
    def partial_update(self, request, pk=None):
        endpoint = self.get_object()
        data = WebhookEndpointInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        webhook_endpoint_update(endpoint=endpoint, **data.validated_data)
        return Response(WebhookEndpointSerializer(endpoint).data)

    def destroy(self, request, pk=None):
        webhook_endpoint_delete(endpoint=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=WebhookEndpointWithSecretSerializer)
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        endpoint = webhook_endpoint_rotate_secret(endpoint=self.get_object())
        return Response(WebhookEndpointWithSecretSerializer(endpoint).data)

    @extend_schema(responses=WebhookDeliverySerializer(many=True))
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        page = self.paginate_queryset(webhook_delivery_list(endpoint=self.get_object()))
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)
