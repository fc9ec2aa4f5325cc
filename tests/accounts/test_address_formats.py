"""Addresses: a country from the list, a postcode in that country's format, a real phone number."""

import pytest
from django.test import Client

from accounts.models import Address
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADDRESS = {"recipient": "Ada Lovelace", "line1": "1 Analytical Row", "city": "London"}


@pytest.fixture
def user():
    return UserFactory()


@pytest.fixture
def api(user):
    client = Client()
    client.force_login(user)
    return client


def _post(api, data):
    return api.post("/api/v1/me/addresses/", data, content_type="application/json")


@pytest.mark.parametrize(
    ("country", "typed", "stored"),
    [
        ("GB", "ec1a1bb", "EC1A 1BB"),
        ("GB", " sw1a   1aa ", "SW1A 1AA"),
        ("DE", "10115", "10115"),
        ("NL", "1011ab", "1011 AB"),
        ("PL", "00-950", "00-950"),
    ],
)
def test_a_postcode_is_stored_the_way_its_country_writes_it(api, user, country, typed, stored):
    response = _post(api, {**ADDRESS, "country": country, "postcode": typed})
    assert response.status_code == 201, response.json()
    assert response.json()["postcode"] == stored
    assert Address.objects.get(user=user).postcode == stored


@pytest.mark.parametrize(
    ("country", "postcode"),
    [("GB", "!!!!"), ("GB", "N1"), ("GB", "12345"), ("DE", "1011"), ("PL", "!!!!")],
)
def test_a_postcode_wrong_for_its_country_is_a_400_naming_postcode(api, user, country, postcode):
    response = _post(api, {**ADDRESS, "country": country, "postcode": postcode})
    assert response.status_code == 400
    assert response.json()["field"] == "postcode"
    assert "postcode" in response.json()["detail"]
    assert not Address.objects.filter(user=user).exists()


def test_a_country_may_be_given_by_name_and_is_stored_as_its_code(api, user):
    response = _post(api, {**ADDRESS, "country": "United Kingdom", "postcode": "EC1A 1BB"})
    assert response.status_code == 201
    assert Address.objects.get(user=user).country.code == "GB"


@pytest.mark.parametrize("country", ["UK", "XX", "Narnia", ""])
def test_a_country_not_in_the_list_is_a_400_naming_country(api, user, country):
    response = _post(api, {**ADDRESS, "country": country, "postcode": "EC1A 1BB"})
    assert response.status_code == 400
    assert response.json()["field"] == "country"
    assert not Address.objects.filter(user=user).exists()


def test_a_phone_is_stored_as_one_number_and_shown_internationally(api, user):
    response = _post(api, {**ADDRESS, "postcode": "EC1A 1BB", "phone": "020 7946 0018"})
    assert response.status_code == 201
    assert response.json()["phone"] == "+44 20 7946 0018"
    assert str(Address.objects.get(user=user).phone.as_e164) == "+442079460018"


@pytest.mark.parametrize("phone", ["12345", "call me maybe", "+44 20 7946"])
def test_a_phone_that_is_not_a_number_is_a_400_naming_phone(api, user, phone):
    response = _post(api, {**ADDRESS, "postcode": "EC1A 1BB", "phone": phone})
    assert response.status_code == 400
    assert response.json()["field"] == "phone"
    assert not Address.objects.filter(user=user).exists()


def test_the_address_page_offers_countries_and_ties_a_bad_postcode_to_its_field(api, user):
    form = api.get("/account/addresses/new/").content.decode()
    assert '<option value="GB" selected>United Kingdom</option>' in form

    page = api.post("/account/addresses/new/", {**ADDRESS, "country": "GB", "postcode": "!!!!"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'aria-invalid="true" aria-describedby="id_postcode_error"' in html
    assert "Enter a valid postcode for this country, e.g. SW1A 1AA." in html
    assert not Address.objects.filter(user=user).exists()


def test_an_address_prints_the_country_name_on_the_order(user):
    address = Address(user=user, **ADDRESS, postcode="EC1A 1BB", country="FR")
    assert address.as_text().splitlines()[-1] == "France"
