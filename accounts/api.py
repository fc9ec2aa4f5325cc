"""The account API under /api/v1/me/: profile, addresses, export, sign out everywhere, deletion."""

from django.contrib.auth import logout
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.models import Address
from accounts.serializers import AddressSerializer, PasswordSerializer, ProfileSerializer


def _forget_browser_session(request) -> None:
    """The session row is gone already; also drop it from this request so nothing re-saves it."""
    if isinstance(request.successful_authenticator, SessionAuthentication):
        logout(request._request)


class MeView(generics.GenericAPIView):
    serializer_class = ProfileSerializer

    def get_object(self):
        return self.request.user

    def get(self, request):
        # Plain values (selectors.user_profile), not ProfileSerializer: the shape is fixed and
        # building the serializer was a third of this request (bench/RESULTS.md).
        return Response(selectors.user_profile(user=request.user))

    def patch(self, request):
        serializer = self.get_serializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = services.profile_update(user=request.user, data=serializer.validated_data)
        return Response(self.get_serializer(user).data)

    @extend_schema(
        responses={204: OpenApiResponse(description="Account erased; every session ended.")},
        description=(
            "Erase the account: profile, addresses, email addresses, two-factor devices and "
            'sessions go; orders stay, without personal data. The JSON body `{"password": '
            '"..."}` must carry the current password (OpenAPI cannot describe a DELETE body).'
        ),
    )
    def delete(self, request):
        serializer = PasswordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_delete(user=request.user, password=serializer.validated_data["password"])
        _forget_browser_session(request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AddressViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = AddressSerializer
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Address.objects.none()
        return selectors.address_list(user=self.request.user)

    def get_object(self):
        return selectors.address_get(user=self.request.user, pk=self.kwargs["pk"])

    def perform_create(self, serializer):
        serializer.instance = services.address_create(
            user=self.request.user, data=serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.address_update(
            address=serializer.instance, data=serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.address_delete(address=instance)


class LogoutAllView(APIView):
    @extend_schema(
        request=None,
        responses={204: OpenApiResponse(description="Every session and token of the user ended.")},
        description="Sign out everywhere: every browser session and app session token ends.",
    )
    def post(self, request):
        services.user_sessions_end(user=request.user)
        _forget_browser_session(request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ExportView(APIView):
    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        description=(
            "Everything Orderly holds about you: profile, email addresses, saved addresses, "
            "two-factor devices, sessions, orders and notifications."
        ),
    )
    def get(self, request):
        response = Response(services.user_export(user=request.user))
        # A browser following the account page's link saves a file instead of showing JSON.
        day = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="orderly-my-data-{day}.json"'
        return response
