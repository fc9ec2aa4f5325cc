"""Keys of replies cached for every visitor, built only from what the view reads."""

from collections.abc import Iterable

from django.http import HttpRequest, QueryDict


def request_keep_only(request: HttpRequest, params: Iterable[str]) -> str:
    """Drop from the request's query string every parameter but `params` (a campaign's
    ?utm_source=, a cache-buster) and return its path and what is left, sorted: the key of
    a reply cached for every visitor. The links and forms built from the request then carry
    only those too, so the cached reply is the same whoever asked."""
    query = QueryDict(mutable=True)
    for name in sorted(set(params)):
        if name in request.GET:
            query.setlist(name, request.GET.getlist(name))
    request.META["QUERY_STRING"] = query.urlencode()
    return f"{request.path}?{request.META['QUERY_STRING']}"
