from django.conf import settings
from django.http import JsonResponse, QueryDict, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render

from config.parsers import (
    JSONMalformed,
    JSONRejected,
    json_loads_checked,
    printable,
    text_problem,
)
from config.views import JSON_PREFIXES, error_reply

FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


class BodySizeLimitMiddleware:
    """Refuse bodies over DATA_UPLOAD_MAX_MEMORY_SIZE with 413, before any view reads them.

    Django enforces the limit only when `request.body` is read; DRF's parsers
    read the stream directly, so the limit is checked here once, for every
    path. Multipart uploads are left to Django's file-upload limits.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and not request.content_type.startswith("multipart/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                return self._too_large(request, limit)
        return self.get_response(request)

    @staticmethod
    def _too_large(request, limit):
        detail = f"The request body is larger than the limit of {limit} bytes."
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": detail, "code": "request_too_large", "field": None}, status=413
            )
        return render(request, "errors/413.html", {"detail": detail}, status=413)


class HostileInputMiddleware:
    """Refuse with a 400 naming where it was, before any view reads the request, any text
    that cannot be stored: a NUL character or a lone surrogate in the path, a header, the
    query string or the form fields, or a JSON body that is too deep or carries one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self._problem(request)
        if problem:
            detail, field = problem
            return error_reply(request, 400, detail=detail, code="invalid_input", field=field)
        return self.get_response(request)

    def _problem(self, request) -> tuple[str, str | None] | None:
        if problem := text_problem(request.path):
            return f"The path {problem}.", None
        for key, value in request.META.items():
            problem = isinstance(value, str) and key.startswith("HTTP_") and text_problem(value)
            if problem:
                name = key.removeprefix("HTTP_").replace("_", "-").title()
                return f"The {name} header {problem}.", name
        try:
            form = self._form(request)
        except (MultiPartParserError, UnreadablePostError):
            return "The form body could not be read.", None
        for source, name in ((request.GET, "query parameter"), (form, "field")):
            for key, values in source.lists():
                if problem := text_problem(key):
                    return f"The name of a {name} {problem}.", None
                for value in values:
                    if problem := text_problem(value):
                        return f"The {name} {printable(key)!r} {problem}.", printable(key)
        if self._is_json(request):
            try:
                json_loads_checked(request.body)
            except JSONMalformed as error:
                if not request.path.startswith("/api/"):  # DRF answers it in its own shape
                    return str(error), "body"
            except JSONRejected as error:
                return str(error), "body"
        return None

    @staticmethod
    def _form(request):
        # The API's and allauth's views read their bodies as JSON (a form there is a 4xx);
        # reading a multipart upload here would leave them no body to read.
        multipart = request.content_type == "multipart/form-data"
        if (
            request.method != "POST"
            or request.content_type not in FORM_TYPES
            or (multipart and request.path.startswith(JSON_PREFIXES))
        ):
            return QueryDict()
        if not multipart:
            request.body  # noqa: B018 - kept, so views that read the body still can
        return request.POST

    @staticmethod
    def _is_json(request) -> bool:
        media = request.content_type or ""
        return (media == "application/json" or media.endswith("+json")) and bool(request.body)


class JsonErrorBodyMiddleware:
    """Under /api/ and /_allauth/, an error reply that a library made as HTML or text (a
    view's 405 for a method it does not take, a CSRF 403, the schema pages' renderers) gets
    the JSON body API clients read: DRF's own detail when it has one, else the status's."""

    KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path.startswith(JSON_PREFIXES)
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        data = getattr(response, "data", None)  # DRF's reply, rendered by a page's renderer
        detail = data.get("detail") if isinstance(data, dict) else None
        code = data.get("code") if isinstance(data, dict) else None
        reply = error_reply(request, response.status_code, detail=detail, code=code)
        for header in self.KEPT_HEADERS:
            if header in response:
                reply[header] = response[header]
        return reply
