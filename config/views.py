"""Error pages in the shop's look; JSON under /api/ so API clients always get JSON."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string

MESSAGES = {
    400: ("Bad request", "The request could not be understood.", "bad_request"),
    403: ("Forbidden", "You are not allowed to do that.", "permission_denied"),
    404: ("Not found", "There is nothing at this address.", "not_found"),
    500: ("Something went wrong", "We have been told and are looking into it.", "server_error"),
}


def _error(request, status):
    title, detail, code = MESSAGES[status]
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail, "code": code, "field": None}, status=status)
    return render(
        request, f"errors/{status}.html", {"title": title, "detail": detail}, status=status
    )


def bad_request(request, exception):
    return _error(request, 400)


def permission_denied(request, exception):
    return _error(request, 403)


def page_not_found(request, exception):
    return _error(request, 404)


def server_error(request):
    # Rendered without the request: the database behind the session may be what failed.
    if request.path.startswith("/api/"):
        return _error(request, 500)
    title, detail, _ = MESSAGES[500]
    context = {"title": title, "detail": detail, "SHOP_NAME": settings.SHOP_NAME}
    return HttpResponse(render_to_string("errors/500.html", context), status=500)
