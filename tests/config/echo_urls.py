"""A test-only API endpoint that exercises the project's parsing and error handling."""

from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.errors import ApplicationError


class Echo(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    def post(self, request):
        if request.data.get("break") == "rule":
            raise ApplicationError(
                "Quantity must be at most 99.", code="too_many", field="quantity"
            )
        return Response({"echo": request.data})


urlpatterns = [path("api/v1/echo/", Echo.as_view())]
