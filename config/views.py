"""Error pages in the shop's look; JSON under /api/ so API clients always get JSON."""

import sys
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import BadRequest
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from config.sessions import SessionNotEnded

MESSAGES = {
    400: (_("Bad request"), _("The request could not be understood."), "bad_request"),
    403: (_("Forbidden"), _("You are not allowed to do that."), "permission_denied"),
    405: (
        _("Method not allowed"),
        _("This address does not take that method."),
        "method_not_allowed",
    ),
    404: (_("Not found"), _("There is nothing at this address."), "not_found"),
    500: (
        _("Something went wrong"),
        _("We have been told and are looking into it."),
        "server_error",
    ),
    503: (
        _("Back in a moment"),
        _("The shop cannot reach its records right now. Please try again in a minute."),
        "service_unavailable",
    ),
}
# What a retry in a moment may fix: the database, or the session cache ending a session.
UNAVAILABLE = (OperationalError, InterfaceError, SessionNotEnded)
RETRY_AFTER_SECONDS = 30


JSON_PREFIXES = ("/api/", "/_allauth/")


def _message(status: int) -> tuple[str, str, str]:
    if status in MESSAGES:
        return MESSAGES[status]
    phrase = HTTPStatus(status).phrase
    return phrase, f"{phrase}.", phrase.lower().replace(" ", "_").replace("-", "_")


def error_reply(request, status, *, detail=None, code=None, field=None):
    """An error reply: JSON for API clients (allauth's shape under /_allauth/), else the
    shop's error page."""
    title, default_detail, default_code = _message(status)
    detail, code = detail or default_detail, code or default_code
    if request.path.startswith("/_allauth/"):
        errors = [{"message": detail, "code": code, "param": field}]
        return JsonResponse({"status": status, "errors": errors}, status=status)
    if request.path.startswith(JSON_PREFIXES):
        return JsonResponse({"detail": detail, "code": code, "field": field}, status=status)
    return render(
        request, f"errors/{status}.html", {"title": title, "detail": detail}, status=status
    )


def _error(request, status):
    return error_reply(request, status)


def not_here(request, *args, **kwargs):
    """A 404 for an address a library routes but the shop does not offer."""
    return _error(request, 404)


def bad_request(request, exception):
    # The shop's own BadRequest names the field at fault; Django's other 400s (a
    # SuspiciousOperation) keep their details in the log.
    detail = str(exception) if type(exception) is BadRequest else None
    return error_reply(request, 400, detail=detail)


def permission_denied(request, exception):
    return _error(request, 403)


def page_not_found(request, exception):
    return _error(request, 404)


def server_error(request):
    """Django's answer to any exception a view or middleware let through: a 500, or a 503
    with Retry-After when the database cannot be reached (it is down, or restarting) or
    a session could not be ended because the session cache did not answer.

    Rendered without the request: the database behind the session may be what failed.
    """
    status = 503 if isinstance(sys.exc_info()[1], UNAVAILABLE) else 500
    title, detail, code = MESSAGES[status]
    if request.path.startswith(JSON_PREFIXES):
        response = JsonResponse({"detail": detail, "code": code, "field": None}, status=status)
    else:
        context = {"title": title, "detail": detail, "SHOP_NAME": settings.SHOP_NAME}
        response = HttpResponse(render_to_string(f"errors/{status}.html", context), status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
