"""How the API knows who is asking: allauth's app session token (then, per settings, the
browser's session cookie)."""

from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication


class SessionTokenAuthentication(XSessionTokenAuthentication):
    """allauth's X-Session-Token, with a missing or dead token answered 401 (SPEC), not 403.

    DRF answers 401 only when the first authentication class names a challenge for the
    WWW-Authenticate header; allauth's names none.
    """

    def authenticate_header(self, request):
        return 'X-Session-Token realm="api"'
