"""The API's one place where business errors become HTTP replies."""

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.errors import ApplicationError


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return Response(
            {"detail": exc.message, "code": exc.code, "field": exc.field},
            status=exc.status_code,
        )
    return drf_exception_handler(exc, context)
