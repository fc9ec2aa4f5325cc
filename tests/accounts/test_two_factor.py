import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.test import Client

from tests.accounts.helpers import api_get, app_post, totp_code
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _user_with_totp():
    user = UserFactory()
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def _wrong_code(secret: str) -> str:
    right = {
        format_hotp_value(hotp_value(secret, counter))
        for counter in yield_hotp_counters_from_time()
    }
    return next(code for code in ("000000", "111111", "222222") if code not in right)


def test_browser_login_with_totp_asks_for_the_code_and_refuses_a_wrong_one(client):
    user, secret = _user_with_totp()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session

    wrong = client.post("/accounts/2fa/authenticate/", {"code": _wrong_code(secret)})
    assert wrong.status_code == 200
    assert "Incorrect code" in wrong.content.decode()
    assert "_auth_user_id" not in client.session

    right = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert right.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_app_login_with_totp_needs_the_code_before_the_token_works():
    user, secret = _user_with_totp()
    client = Client()
    login = app_post(client, "/auth/login", {"email": user.email, "password": PASSWORD})
    assert login.status_code == 401
    flows = login.json()["data"]["flows"]
    assert any(flow["id"] == "mfa_authenticate" and flow.get("is_pending") for flow in flows)
    token = login.json()["meta"]["session_token"]
    assert api_get(client, "/api/v1/me/", token).status_code == 401

    wrong = app_post(client, "/auth/2fa/authenticate", {"code": _wrong_code(secret)}, token)
    assert wrong.status_code == 400
    assert api_get(client, "/api/v1/me/", token).status_code == 401

    right = app_post(client, "/auth/2fa/authenticate", {"code": totp_code(secret)}, token)
    assert right.status_code == 200
    assert api_get(client, "/api/v1/me/", right.json()["meta"]["session_token"]).status_code == 200


def test_a_user_turns_totp_on_from_the_setup_page_with_a_code_from_the_app(client):
    user = UserFactory()
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    # Turning on two-factor asks for the password again first.
    assert client.get("/accounts/2fa/totp/activate/").url.startswith("/accounts/reauthenticate/")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Activate Authenticator App" in html
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', html, re.S)
    secret = secret or re.search(r'value="([A-Z2-7]{32})"', html)
    assert secret, html

    refused = client.post("/accounts/2fa/totp/activate/", {"code": _wrong_code(secret.group(1))})
    assert refused.status_code == 200
    assert not Authenticator.objects.filter(user=user).exists()

    client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret.group(1))})
    types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
