from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts import api

router = SimpleRouter()
router.register("me/addresses", api.AddressViewSet, basename="me-address")

urlpatterns = [
    path("me/", api.MeView.as_view(), name="me"),
    path("me/logout-all/", api.LogoutAllView.as_view(), name="me-logout-all"),
    path("me/export/", api.ExportView.as_view(), name="me-export"),
    *router.urls,
]
