"""Small helpers the accounts tests share: reading allauth's emails, using the headless app API."""

import re

from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)

APP = "/_allauth/app/v1"
STRONG_PASSWORD = "plum-tart-on-a-tuesday"


def verification_code(mail) -> str:
    """The code in an allauth verification email (a line of its own, like ABCD-EFGH)."""
    match = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.body, re.MULTILINE)
    assert match, mail.body
    return match.group(1)


def app_post(client, path, data, token=None):
    headers = {"X-Session-Token": token} if token else {}
    return client.post(f"{APP}{path}", data=data, content_type="application/json", headers=headers)


def app_login(client, email, password) -> str:
    response = app_post(client, "/auth/login", {"email": email, "password": password})
    assert response.status_code == 200, response.content
    return response.json()["meta"]["session_token"]


def api_get(client, path, token):
    return client.get(path, headers={"X-Session-Token": token})


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now for `secret`."""
    counters = list(yield_hotp_counters_from_time())
    counter = counters[len(counters) // 2]  # the middle one is now; the others are tolerance
    return format_hotp_value(hotp_value(secret, counter))
