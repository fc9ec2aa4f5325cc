import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import MAX_ADDRESSES, Address
from tests.factories import AddressFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_ADDRESS = {
    "label": "Work",
    "recipient": "Ada Lovelace",
    "line1": "1 Analytical Row",
    "city": "London",
    "postcode": "EC1A 1BB",
}


@pytest.fixture
def user():
    return UserFactory(name="Ada", phone="+44 20 7946 0000")


@pytest.fixture
def api(user):
    client = Client()
    client.force_login(user)
    return client


def _patch(client, path, data):
    return client.patch(path, data=data, content_type="application/json")


def test_me_shows_and_changes_the_profile(api, user):
    me = api.get("/api/v1/me/").json()
    assert me["email"] == user.email
    assert me["name"] == "Ada"
    assert me["email_verified"] is True

    response = _patch(api, "/api/v1/me/", {"name": "Ada King", "phone": "(020) 7946-0001"})
    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.name, user.phone) == ("Ada King", "(020) 7946-0001")


@pytest.mark.parametrize("phone", ["12345", "call me maybe", "+44 20 7946 0000 0000 0000 0000"])
def test_a_bad_phone_is_a_400_naming_phone_and_changes_nothing(api, user, phone):
    response = _patch(api, "/api/v1/me/", {"name": "Changed", "phone": phone})
    assert response.status_code == 400
    assert response.json()["field"] == "phone"
    user.refresh_from_db()
    assert (user.name, user.phone) == ("Ada", "+44 20 7946 0000")


def test_the_email_cannot_be_changed_through_the_profile(api, user):
    _patch(api, "/api/v1/me/", {"email": "thief@example.com"})
    user.refresh_from_db()
    assert user.email != "thief@example.com"


def test_an_address_is_saved_listed_changed_and_deleted(api, user):
    created = api.post("/api/v1/me/addresses/", NEW_ADDRESS, content_type="application/json")
    assert created.status_code == 201
    address_id = created.json()["id"]
    assert created.json()["country"] == "GB"

    listed = api.get("/api/v1/me/addresses/").json()
    assert [row["id"] for row in listed["results"]] == [address_id]

    changed = _patch(api, f"/api/v1/me/addresses/{address_id}/", {"city": "Cambridge"})
    assert changed.status_code == 200
    assert Address.objects.get(pk=address_id).city == "Cambridge"

    assert api.delete(f"/api/v1/me/addresses/{address_id}/").status_code == 204
    assert not Address.objects.filter(pk=address_id).exists()


def test_missing_fields_are_a_400_naming_them_and_nothing_is_saved(api, user):
    response = api.post("/api/v1/me/addresses/", {"label": "Home"}, content_type="application/json")
    assert response.status_code == 400
    assert {"recipient", "line1", "city", "postcode"} <= set(response.json()["errors"])
    assert not Address.objects.filter(user=user).exists()


def test_a_bad_address_phone_is_a_400_naming_phone(api, user):
    response = api.post(
        "/api/v1/me/addresses/", {**NEW_ADDRESS, "phone": "abc"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "phone"
    assert not Address.objects.filter(user=user).exists()


def test_the_eleventh_address_is_refused_naming_the_rule(api, user):
    AddressFactory.create_batch(MAX_ADDRESSES, user=user)
    response = api.post("/api/v1/me/addresses/", NEW_ADDRESS, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "address_limit"
    assert response.json()["field"] == "addresses"
    assert str(MAX_ADDRESSES) in response.json()["detail"]
    assert Address.objects.filter(user=user).count() == MAX_ADDRESSES


def test_another_users_address_is_a_404_and_stays_as_it_was(api):
    theirs = AddressFactory(city="Bristol")
    path = f"/api/v1/me/addresses/{theirs.pk}/"
    assert api.get(path).status_code == 404
    assert _patch(api, path, {"city": "Leeds"}).status_code == 404
    assert api.delete(path).status_code == 404
    theirs.refresh_from_db()
    assert theirs.city == "Bristol"
    assert api.get("/api/v1/me/addresses/").json()["results"] == []


@pytest.mark.parametrize("address_id", ["abc", "1.5", "99999999999999999999"])
def test_a_malformed_or_unknown_address_id_is_a_json_404(api, address_id):
    response = api.get(f"/api/v1/me/addresses/{address_id}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_listing_addresses_takes_the_same_queries_for_one_or_ten(
    api, user, django_assert_num_queries
):
    api.get("/api/v1/me/")  # the session is registered on the first request; leave that out
    AddressFactory(user=user)
    with CaptureQueriesContext(connection) as for_one:
        assert len(api.get("/api/v1/me/addresses/").json()["results"]) == 1
    AddressFactory.create_batch(MAX_ADDRESSES - 1, user=user)
    with django_assert_num_queries(len(for_one.captured_queries)):
        response = api.get("/api/v1/me/addresses/")
    assert len(response.json()["results"]) == MAX_ADDRESSES


def test_the_api_refuses_anonymous_requests(client):
    assert client.get("/api/v1/me/").status_code == 401
    assert client.get("/api/v1/me/addresses/").status_code == 401


def test_the_account_page_saves_the_profile_and_refuses_a_bad_phone(api, user):
    page = api.get("/account/")
    assert page.status_code == 200
    assert user.email in page.content.decode()

    bad = api.post("/account/", {"name": "Changed", "phone": "nope"})
    assert bad.status_code == 200
    assert "phone number" in bad.content.decode()
    user.refresh_from_db()
    assert user.name == "Ada"

    good = api.post("/account/", {"name": "Ada King", "phone": "+44 7911 123456"})
    assert good.status_code == 302
    user.refresh_from_db()
    assert user.name == "Ada King"


def test_the_account_pages_add_edit_and_delete_addresses(api, user):
    assert api.post("/account/addresses/new/", {**NEW_ADDRESS, "country": "GB"}).status_code == 302
    address = Address.objects.get(user=user)
    assert "1 Analytical Row" in api.get("/account/").content.decode()

    edit = api.post(
        f"/account/addresses/{address.pk}/", {**NEW_ADDRESS, "country": "GB", "city": "Oxford"}
    )
    assert edit.status_code == 302
    address.refresh_from_db()
    assert address.city == "Oxford"

    assert api.post(f"/account/addresses/{address.pk}/delete/").status_code == 302
    assert not Address.objects.filter(user=user).exists()


def test_the_account_pages_refuse_the_eleventh_address_with_a_message(api, user):
    AddressFactory.create_batch(MAX_ADDRESSES, user=user)
    response = api.post("/account/addresses/new/", {**NEW_ADDRESS, "country": "GB"}, follow=True)
    assert f"at most {MAX_ADDRESSES} addresses" in response.content.decode()
    assert Address.objects.filter(user=user).count() == MAX_ADDRESSES


def test_the_account_pages_hide_other_users_addresses(api):
    theirs = AddressFactory()
    assert api.get(f"/account/addresses/{theirs.pk}/").status_code == 404
    assert api.post(f"/account/addresses/{theirs.pk}/delete/").status_code == 404
    assert Address.objects.filter(pk=theirs.pk).exists()


def test_the_account_page_needs_a_login(client):
    response = client.get("/account/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_deleting_an_address_on_the_page_asks_first(client):
    address = AddressFactory(line1="1 Bakery Lane")
    client.force_login(address.user)

    confirm = client.get(f"/account/addresses/{address.pk}/delete/")

    assert confirm.status_code == 200
    assert "Delete this address?" in confirm.content.decode()
    assert "1 Bakery Lane" in confirm.content.decode()
    assert Address.objects.filter(pk=address.pk).exists()
    client.post(f"/account/addresses/{address.pk}/delete/")
    assert not Address.objects.filter(pk=address.pk).exists()


def test_sign_out_everywhere_on_the_page_asks_first(client):
    client.force_login(UserFactory())
    confirm = client.get("/account/logout-all/")
    assert "Sign out everywhere?" in confirm.content.decode()
    assert client.get("/account/").status_code == 200


def test_the_account_page_offers_the_data_as_a_file(client):
    client.force_login(UserFactory())
    page = client.get("/account/").content.decode()
    assert 'href="/api/v1/me/export/"' in page
    download = client.get("/api/v1/me/export/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="orderly-my-data-')
    assert "orders" in download.json()
