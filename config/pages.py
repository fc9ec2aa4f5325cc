"""The pages' one place where business errors become replies: a message and a redirect back.

Services raise ApplicationError; the API turns it into JSON (config/api.py) and,
for every HTML view, ApplicationErrorMiddleware turns it into an error message
and a redirect back to where the customer came from. A view says where "back"
is when there is no safe referer (`@business_errors(fallback=...)`), and may
show the error in place instead (`reply=`, e.g. an htmx fragment).
"""

from collections.abc import Callable
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from config.errors import ApplicationError

ErrorReply = Callable[[HttpRequest, ApplicationError], HttpResponse | None]


def business_errors(*, fallback: str = "/", back: bool = True, reply: ErrorReply | None = None):
    """Declare how a view's business errors are answered.

    `fallback` (a URL name, reversed with the view's own URL arguments, or a path) is
    where the redirect goes without a safe `next` or referer, and always with
    `back=False` (when the page the form was on makes no sense after the refusal);
    `reply(request, error)` may return its own response, or None for the message and
    redirect.
    """

    def decorate(view):
        view.business_error_fallback = fallback
        view.business_error_back = back
        view.business_error_reply = reply
        return view

    return decorate


def safe_back_url(request: HttpRequest, *, fallback: str, **url_kwargs) -> str:
    """The posted `next`, else the referer, when it is a path on this site; else `fallback`.

    A relative `next` that is not a path ("abc") is ignored: redirect() would take it
    for a URL name.
    """
    for url in (request.POST.get("next", ""), request.headers.get("Referer", "")):
        if (
            url
            and urlsplit(url).path.startswith("/")
            and url_has_allowed_host_and_scheme(
                url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
        ):
            return url
    return resolve_url(fallback, **url_kwargs)


def next_path(request: HttpRequest) -> str:
    """The `next` the request carries (posted, else in the query), "" when it has none.

    Read before a view writes anything: a `next` that is not a path on this site ("abc",
    "NaN", another host) is a 400 naming it, so a retry cannot save a second copy.
    """
    url = request.POST.get("next") or request.GET.get("next", "")
    if url and not (
        urlsplit(url).path.startswith("/")
        and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        raise BadRequest("next: give a path on this site, such as /checkout/.")
    return url


class ApplicationErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        request.business_error_fallback = getattr(view_func, "business_error_fallback", "/")
        request.business_error_back = getattr(view_func, "business_error_back", True)
        request.business_error_reply = getattr(view_func, "business_error_reply", None)
        request.business_error_url_kwargs = view_kwargs

    def process_exception(self, request, exception):
        if not isinstance(exception, ApplicationError) or request.path.startswith("/api/"):
            return None
        if exception.status_code == 404:
            raise Http404(exception.message) from exception
        reply = getattr(request, "business_error_reply", None)
        response = reply(request, exception) if reply else None
        if response is not None:
            return response
        messages.error(request, exception.message)
        fallback = getattr(request, "business_error_fallback", "/")
        url_kwargs = getattr(request, "business_error_url_kwargs", {})
        if not getattr(request, "business_error_back", True):
            return redirect(fallback, **url_kwargs)
        return redirect(safe_back_url(request, fallback=fallback, **url_kwargs))
