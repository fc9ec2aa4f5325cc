from django.urls import path
from rest_framework.routers import SimpleRouter

from notifications.api import NotificationViewSet, PreferencesView, WebhookEndpointViewSet

router = SimpleRouter()
router.register("notifications", NotificationViewSet, basename="notification")
router.register("webhooks/endpoints", WebhookEndpointViewSet, basename="webhook-endpoint")

urlpatterns = [
    path(
        "notifications/preferences/",
        PreferencesView.as_view(),
        name="notification-preferences",
    ),
    *router.urls,
]
