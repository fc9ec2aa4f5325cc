"""The notifications API: the caller's inbox, unread count, reading, and email preferences."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from notifications.selectors import notification_list, notification_unread_count
from notifications.serializers import (
    MarkedSerializer,
    NotificationSerializer,
    PreferencesSerializer,
    UnreadCountSerializer,
)
from notifications.services import (
    notification_mark_read,
    notifications_mark_all_read,
    preferences_get,
    preferences_set,
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
