"""Small helpers the accounts tests share: reading allauth's emails, using the headless app API."""

import re

APP = "/_allauth/app/v1"
STRONG_PASSWORD = "plum-tart-on-a-tuesday"


def confirmation_key(mail) -> str:
    """The key at the end of the verification link in an allauth email."""
    match = re.search(r"/accounts/confirm-email/([^/\s]+)/", mail.body)
    assert match, mail.body
    return match.group(1)


def confirmation_path(mail) -> str:
    return f"/accounts/confirm-email/{confirmation_key(mail)}/"


def app_post(client, path, data, token=None):
    headers = {"X-Session-Token": token} if token else {}
    return client.post(f"{APP}{path}", data=data, content_type="application/json", headers=headers)


def app_login(client, email, password) -> str:
    response = app_post(client, "/auth/login", {"email": email, "password": password})
    assert response.status_code == 200, response.content
    return response.json()["meta"]["session_token"]


def api_get(client, path, token):
    return client.get(path, headers={"X-Session-Token": token})
