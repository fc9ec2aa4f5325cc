"""How the API knows who is asking: allauth's app session token (then, per settings, the
browser's session cookie)."""

from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication
from allauth.headless.internal import sessionkit
from allauth.headless.tokens.strategies.sessions import SessionTokenStrategy as AllauthStrategy
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import AuthenticationFailed


class SessionTokenAuthentication(XSessionTokenAuthentication):
    """allauth's X-Session-Token, with a missing or dead token answered 401 (SPEC), not 403.

    DRF answers 401 only when the first authentication class names a challenge for the
    WWW-Authenticate header; allauth's names none.
    """

    def authenticate(self, request):
        """A token that names no live session is refused as such (not as a missing one), so
        an app knows to sign in again."""
        if self.get_session_token(request) is None:
            return None
        authenticated = super().authenticate(request)
        if authenticated is None:
            raise AuthenticationFailed(
                _("The session token is invalid or has expired: sign in again."),
                code="invalid_token",
            )
        return authenticated

    def authenticate_header(self, request):
        return 'X-Session-Token realm="api"'


class SessionTokenStrategy(AllauthStrategy):
    """allauth's app session token (the key of a Django session), looked up in one read.

    allauth's strategy asks the session store whether the key exists, then loads it: two
    round trips to the cache (or the database) on every signed-in API request. allauth's
    own `sessionkit.lookup_session` loads it once (a missing or expired session clears the
    store's key); tests/accounts/test_session_token.py holds it to one read.
    """

    def lookup_session(self, session_token: str):
        return sessionkit.lookup_session(session_token)
