import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from accounts.errors import EmailNotVerified
from accounts.models import User
from accounts.services import user_ensure_verified
from tests.accounts.helpers import (
    STRONG_PASSWORD,
    api_get,
    app_login,
    app_post,
    verification_code,
)
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_signup_through_the_pages_sends_a_code_that_verifies_and_then_login_works(
    client, mailoutbox
):
    response = client.post(
        "/accounts/signup/",
        {"email": "ada@example.com", "password1": STRONG_PASSWORD, "password2": STRONG_PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    user = User.objects.get(email="ada@example.com")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["ada@example.com"]

    # Mandatory verification: a second device is asked for its own code, not signed in.
    other = Client()
    refused = other.post(
        "/accounts/login/", {"login": "ada@example.com", "password": STRONG_PASSWORD}
    )
    assert refused.status_code == 302
    assert refused.url == "/accounts/confirm-email/"
    assert "_auth_user_id" not in other.session
    assert len(mailoutbox) == 2

    wrong = client.post("/accounts/confirm-email/", {"code": "AAAA-AAAA"})
    assert wrong.status_code == 200
    assert not EmailAddress.objects.get(user=user).verified

    confirm = client.post("/accounts/confirm-email/", {"code": verification_code(mailoutbox[0])})
    assert confirm.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)

    browser = Client()
    login = browser.post(
        "/accounts/login/", {"login": "ada@example.com", "password": STRONG_PASSWORD}
    )
    assert login.status_code == 302
    assert browser.session["_auth_user_id"] == str(user.pk)
    assert browser.get("/api/v1/me/").json()["email"] == "ada@example.com"


def test_signup_through_the_app_api_verifies_by_code_and_the_token_works_on_the_api(
    client, mailoutbox
):
    signup = app_post(
        client, "/auth/signup", {"email": "grace@example.com", "password": STRONG_PASSWORD}
    )
    assert signup.status_code == 401
    body = signup.json()
    assert any(
        flow["id"] == "verify_email" and flow.get("is_pending") for flow in body["data"]["flows"]
    )
    pending_token = body["meta"]["session_token"]
    assert api_get(client, "/api/v1/me/", pending_token).status_code == 401

    verify = app_post(
        client, "/auth/email/verify", {"key": verification_code(mailoutbox[-1])}, pending_token
    )
    assert verify.status_code == 200, verify.content
    token = verify.json()["meta"]["session_token"]

    me = api_get(client, "/api/v1/me/", token)
    assert me.status_code == 200
    assert me.json()["email"] == "grace@example.com"
    assert me.json()["email_verified"] is True

    fresh_token = app_login(Client(), "grace@example.com", STRONG_PASSWORD)
    assert api_get(client, "/api/v1/me/", fresh_token).json()["email"] == "grace@example.com"


def test_signup_makes_the_user_a_customer(client):
    app_post(client, "/auth/signup", {"email": "new@example.com", "password": STRONG_PASSWORD})
    user = User.objects.get(email="new@example.com")
    assert list(user.groups.values_list("name", flat=True)) == ["customer"]


def test_an_unverified_user_cannot_log_in_through_the_app_api(client, mailoutbox):
    UserFactory(email="late@example.com", verified=False)
    response = app_post(client, "/auth/login", {"email": "late@example.com", "password": PASSWORD})
    assert response.status_code == 401
    flows = response.json()["data"]["flows"]
    assert any(flow["id"] == "verify_email" and flow.get("is_pending") for flow in flows)


def test_password_reset_by_email_lets_the_user_in_with_the_new_password(client, mailoutbox):
    UserFactory(email="forgot@example.com")
    response = client.post("/accounts/password/reset/", {"email": "forgot@example.com"})
    assert response.status_code == 302
    link = next(
        line for line in mailoutbox[-1].body.splitlines() if "/accounts/password/reset/key/" in line
    )
    path = link[link.index("/accounts/") :].strip()
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    new_password = "a-brand-new-loaf-of-bread"
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"password1": new_password, "password2": new_password},
    )
    assert done.status_code == 302
    assert User.objects.get(email="forgot@example.com").check_password(new_password)


def test_password_reset_for_an_unknown_email_looks_the_same_as_for_a_known_one(client, mailoutbox):
    UserFactory(email="known@example.com")
    known = client.post("/accounts/password/reset/", {"email": "known@example.com"})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url


def test_an_unverified_user_is_refused_checkout_with_a_clear_message():
    user = UserFactory(verified=False)
    with pytest.raises(EmailNotVerified) as error:
        user_ensure_verified(user=user)
    assert error.value.status_code == 403
    assert error.value.code == "email_not_verified"
    assert "verify your email" in error.value.message

    user_ensure_verified(user=UserFactory())


def test_signing_up_with_a_taken_email_looks_like_a_normal_signup(client, mailoutbox):
    UserFactory(email="taken@example.com")
    response = client.post(
        "/accounts/signup/",
        {"email": "taken@example.com", "password1": STRONG_PASSWORD, "password2": STRONG_PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    assert User.objects.filter(email="taken@example.com").count() == 1
    # The owner of the address is told, by email, instead of the person at the form.
    assert mailoutbox[-1].to == ["taken@example.com"]


def test_repeated_failed_logins_are_rate_limited(client):
    user = UserFactory()
    replies = [
        app_post(client, "/auth/login", {"email": user.email, "password": "wrong"})
        for _ in range(6)
    ]
    assert "Too many failed login attempts" not in replies[0].content.decode()
    assert "Too many failed login attempts" in replies[-1].content.decode()
    # Even the right password is refused until the limit passes.
    right = app_post(client, "/auth/login", {"email": user.email, "password": PASSWORD})
    assert right.status_code in (400, 429)
    assert "Too many failed login attempts" in right.content.decode()
