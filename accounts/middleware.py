"""allauth's session activity ("last seen", address, browser), recorded once a minute."""

from hashlib import sha256

from allauth.account.adapter import get_adapter
from allauth.usersessions import app_settings
from allauth.usersessions.models import UserSession
from django.core.cache import cache

# A signed-in browser's activity is written at most this often while its client (address
# and browser) stays the same.
SEEN_SECONDS = 60


class UserSessionsMiddleware:
    """allauth's UserSessionsMiddleware, without its five statements on every request.

    allauth records a signed-in browser session's activity on every request (a savepoint,
    the row, its user, an UPDATE of every column, the release). Here it is recorded when the
    session, its address or its browser was not seen in the last SEEN_SECONDS: a cache
    add() says which. A new client is recorded at once, so allauth's list of sessions and
    its "client changed" signal miss nothing but the last minute's time; with the cache
    down add() reports success and every request records, as allauth does.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            app_settings.TRACK_ACTIVITY
            and hasattr(request, "session")
            and request.session.session_key
            and hasattr(request, "user")
            and request.user.is_authenticated
            and cache.add(_seen_key(request), True, SEEN_SECONDS)
        ):
            UserSession.objects.create_from_request(request)
        return self.get_response(request)


def _seen_key(request) -> str:
    client = "\n".join(
        (
            request.session.session_key,
            get_adapter().get_client_ip(request),
            request.META.get("HTTP_USER_AGENT", ""),
        )
    )
    return f"usersessions:seen:{sha256(client.encode()).hexdigest()}"
