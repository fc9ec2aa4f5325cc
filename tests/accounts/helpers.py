"""Small helpers the accounts tests share: reading allauth's emails, using the headless app API."""

import re

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
