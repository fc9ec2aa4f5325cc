"""How the OpenAPI schema describes the authentication the API accepts."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class XSessionTokenScheme(OpenApiAuthenticationExtension):
    # Replaces drf-spectacular's bundled allauth extension to say where the token comes from.
    target_class = "accounts.authentication.SessionTokenAuthentication"
    name = "XSessionTokenAuth"
    priority = 1

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Session-Token",
            "description": (
                "The session token allauth's headless app API hands out on login "
                "(POST /_allauth/app/v1/auth/login, `meta.session_token`). "
                "Browsers use their session cookie and the X-CSRFToken header instead."
            ),
        }
