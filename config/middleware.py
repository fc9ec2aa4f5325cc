from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render


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
