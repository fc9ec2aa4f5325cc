"""The API's one place where errors become HTTP replies.

Every error under /api/v1/ has the same shape, `{"detail", "code", "field"}`:
business errors (ApplicationError) as raised, and DRF's own (validation, parse,
authentication, permission, not found, throttling) reshaped here. A validation
error names its first field in `field` and keeps every field's messages in
`errors`.
"""

from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.errors import ApplicationError


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return Response(
            {"detail": str(exc.message), "code": exc.code, "field": exc.field},
            status=exc.status_code,
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ValidationError):
        field, message = _first_error(exc.detail)
        response.data = {
            "detail": f"{field}: {message}" if field else str(message),
            "code": getattr(message, "code", None) or "invalid",
            "field": field,
            "errors": exc.detail,
        }
    elif isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        response.data = {
            "detail": str(detail),
            "code": getattr(detail, "code", None) or "error",
            "field": None,
        }
    return response


def _first_error(detail, path: tuple[str, ...] = ()):
    """The dotted path of the first field at fault (None for the request as a whole) and
    its first message, from DRF's nested dicts and lists of errors."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            if value:
                step = () if key == "non_field_errors" else (str(key),)
                return _first_error(value, path + step)
    if isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                if value:
                    return _first_error(value, (*path, str(index)))
            else:
                return (".".join(path) or None), value
    return (".".join(path) or None), detail
