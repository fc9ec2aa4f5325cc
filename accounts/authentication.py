"""How the API knows who is asking: allauth's app session token (then, per settings, the
browser's session cookie)."""

from importlib import import_module

from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication
from allauth.headless.tokens.strategies.sessions import SessionTokenStrategy as AllauthStrategy
from django.conf import settings
from django.contrib.auth import SESSION_KEY


class SessionTokenAuthentication(XSessionTokenAuthentication):
    """allauth's X-Session-Token, with a missing or dead token answered 401 (SPEC), not 403.

    DRF answers 401 only when the first authentication class names a challenge for the
    WWW-Authenticate header; allauth's names none.
    """

    def authenticate_header(self, request):
        return 'X-Session-Token realm="api"'


class SessionTokenStrategy(AllauthStrategy):
    """allauth's app session token (the key of a Django session), looked up in one read.

    allauth asks the session store whether the key exists, then loads it: two round trips
    to the cache (or the database) on every signed-in API request. Loading alone tells the
    same: a missing or expired session clears the store's key.
    """

    def lookup_session(self, session_token: str):
        session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_token)
        if not session.session_key:  # not a well-formed key
            return None
        session.get(SESSION_KEY)
        return session if session.session_key else None
