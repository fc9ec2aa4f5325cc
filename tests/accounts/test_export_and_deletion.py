import json

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.usersessions.models import UserSession
from django.test import Client

from accounts.models import Address, User
from accounts.signals import user_data_export
from tests.accounts.helpers import api_get, app_login, app_post
from tests.factories import PASSWORD, AddressFactory, OrderFactory, UserFactory

pytestmark = pytest.mark.django_db


def _delete_me(client, password, token=None):
    headers = {"X-Session-Token": token} if token else {}
    return client.delete(
        "/api/v1/me/",
        data=json.dumps({"password": password}),
        content_type="application/json",
        headers=headers,
    )


def test_the_export_holds_the_users_data_and_nobody_elses():
    user = UserFactory(name="Ada Lovelace", phone="+44 20 7946 0000")
    AddressFactory(user=user, line1="1 Analytical Row")
    OrderFactory(user=user, number="ORD-2026-000001", delivery_address="1 Analytical Row")
    other = UserFactory(name="Someone Else")
    AddressFactory(user=other, line1="99 Elsewhere Street")
    OrderFactory(user=other, number="ORD-2026-000002")
    token = app_login(Client(), user.email, PASSWORD)

    response = api_get(Client(), "/api/v1/me/export/", token)

    assert response.status_code == 200
    data = response.json()
    assert data["profile"]["email"] == user.email
    assert data["profile"]["name"] == "Ada Lovelace"
    assert data["profile"]["phone"] == "+44 20 7946 0000"
    assert [a["line1"] for a in data["addresses"]] == ["1 Analytical Row"]
    assert data["email_addresses"] == [{"email": user.email, "verified": True, "primary": True}]
    assert len(data["sessions"]) == 1
    assert [order["number"] for order in data["orders"]] == ["ORD-2026-000001"]
    dump = json.dumps(data)
    for foreign in (other.email, "Someone Else", "99 Elsewhere Street", "ORD-2026-000002"):
        assert foreign not in dump


def test_the_export_includes_what_other_apps_add():
    def inbox(sender, user, **kwargs):
        return {"notifications": [{"title": f"Hello {user.email}"}]}

    user_data_export.connect(inbox, dispatch_uid="test.inbox")
    try:
        client = Client()
        user = UserFactory()
        client.force_login(user)
        data = client.get("/api/v1/me/export/").json()
    finally:
        user_data_export.disconnect(dispatch_uid="test.inbox")
    assert data["notifications"] == [{"title": f"Hello {user.email}"}]


def test_deleting_the_account_erases_personal_data_keeps_orders_and_ends_every_session():
    user = UserFactory(name="Ada Lovelace", phone="+44 20 7946 0000")
    email = user.email
    AddressFactory.create_batch(2, user=user)
    order = OrderFactory(user=user, delivery_address="1 Analytical Row\nLondon", status="completed")
    kept = UserFactory()
    AddressFactory(user=kept)
    phone = app_login(Client(), email, PASSWORD)
    TOTP.activate(user, generate_totp_secret())
    browser = Client()
    browser.force_login(user)
    assert browser.get("/account/").status_code == 200

    response = _delete_me(Client(), PASSWORD, token=phone)

    assert response.status_code == 204
    user.refresh_from_db()
    assert user.email == f"deleted-{user.pk}@invalid"
    assert (user.name, user.phone) == ("", "")
    assert not user.is_active
    assert not user.has_usable_password()
    assert not Address.objects.filter(user=user).exists()
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Authenticator.objects.filter(user=user).exists()
    assert not UserSession.objects.filter(user=user).exists()
    assert not user.groups.exists()
    order.refresh_from_db()
    assert order.user_id == user.pk
    assert "Analytical" not in order.delivery_address
    # Sessions ended everywhere, and no way back in.
    assert api_get(Client(), "/api/v1/me/", phone).status_code == 401
    assert browser.get("/account/").status_code == 302
    login = app_post(Client(), "/auth/login", {"email": email, "password": PASSWORD})
    assert login.status_code == 400
    page_login = Client()
    page_login.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert "_auth_user_id" not in page_login.session
    # Nobody else was touched.
    assert User.objects.get(pk=kept.pk).is_active
    assert Address.objects.filter(user=kept).count() == 1


@pytest.mark.parametrize("body", [{"password": "not-my-password"}, {}])
def test_deleting_the_account_needs_the_right_password(body):
    user = UserFactory(name="Ada")
    AddressFactory(user=user)
    client = Client()
    client.force_login(user)

    response = client.delete("/api/v1/me/", data=json.dumps(body), content_type="application/json")

    assert response.status_code == 400
    assert "password" in json.dumps(response.json())
    user.refresh_from_db()
    assert user.is_active and user.name == "Ada"
    assert Address.objects.filter(user=user).count() == 1
    assert client.get("/api/v1/me/").status_code == 200


def test_the_delete_page_asks_for_the_password_and_then_erases_the_account():
    user = UserFactory(name="Ada")
    email = user.email
    client = Client()
    client.force_login(user)
    assert "password" in client.get("/account/delete/").content.decode()

    wrong = client.post("/account/delete/", {"password": "nope"})
    assert wrong.status_code == 200
    assert "The password is not correct." in wrong.content.decode()
    assert User.objects.get(pk=user.pk).is_active

    done = client.post("/account/delete/", {"password": PASSWORD})
    assert done.status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    assert client.get("/account/").status_code == 302
    assert not Client().login(email=email, password=PASSWORD)
