from django.urls import Resolver404, resolve, reverse
from rest_framework import serializers

from notifications.models import (
    Notification,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.BooleanField(source="is_read", read_only=True)
    link = serializers.CharField(
        read_only=True, help_text="The page on the website this notification is about."
    )
    order = serializers.SerializerMethodField(
        help_text="The number of the customer's order it is about, or null."
    )
    api_url = serializers.SerializerMethodField(
        help_text="The API URL of that order (GET /api/v1/orders/{number}/), or null."
    )

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "link",
            "order",
            "api_url",
            "created_at",
            "read",
            "read_at",
        ]
        read_only_fields = fields

    def get_order(self, notification: Notification) -> str | None:
        """The order number in `link`, when it is an order's page (orders.get_absolute_url)."""
        try:
            match = resolve(notification.link or "/-")
        except Resolver404:
            return None
        return match.kwargs.get("number") if match.url_name == "order_detail" else None

    def get_api_url(self, notification: Notification) -> str | None:
        number = self.get_order(notification)
        if number is None:
            return None
        path = reverse("order-detail", kwargs={"number": number})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were unread.")


class PreferencesSerializer(serializers.Serializer):
    email = serializers.DictField(
        child=serializers.BooleanField(),
        help_text='Email on (true) or off (false) per kind, e.g. {"order_placed": false}. '
        "A PUT may name only the kinds it changes.",
    )


class WebhookEndpointSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "events",
            "active",
            "paused_at",
            "consecutive_failures",
            "created_at",
        ]
        read_only_fields = fields


class WebhookEndpointWithSecretSerializer(WebhookEndpointSerializer):
    """Only when the secret is made (creation, rotation): it is never shown again."""

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookEndpointInputSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=500)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices), allow_empty=False
    )
    active = serializers.BooleanField(default=True)


class WebhookAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["attempted_at", "status_code", "duration_ms", "response_excerpt", "error"]
        read_only_fields = fields


class WebhookDeliverySerializer(serializers.ModelSerializer):
    attempts = WebhookAttemptSerializer(source="attempt_log", many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event_id",
            "event_type",
            "status",
            "attempts",
            "next_attempt_at",
            "delivered_at",
            "last_status_code",
            "last_duration_ms",
            "last_response",
            "last_error",
            "created_at",
        ]
        read_only_fields = fields
