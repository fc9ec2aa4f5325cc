from django.urls import path
from rest_framework.routers import SimpleRouter

from notifications.api import NotificationViewSet, PreferencesView

router = SimpleRouter()
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [
    path(
        "notifications/preferences/",
        PreferencesView.as_view(),
        name="notification-preferences",
    ),
    *router.urls,
]
