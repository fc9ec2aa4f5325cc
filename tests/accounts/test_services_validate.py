"""The account services validate what they write, whoever calls them."""

import pytest

from accounts.models import Address
from accounts.services import address_create, address_update, profile_update
from config.errors import InvalidInput
from tests.factories import AddressFactory, UserFactory

pytestmark = pytest.mark.django_db

ADDRESS = {"recipient": "Ada", "line1": "1 Analytical Row", "city": "London", "postcode": "N1 9GU"}


def test_a_bad_phone_from_any_caller_is_refused_and_nothing_changes():
    user = UserFactory(name="Ada", phone="")

    with pytest.raises(InvalidInput) as refused:
        profile_update(user=user, data={"name": "Changed", "phone": "nope"})

    assert refused.value.field == "phone"
    assert (user.name, user.phone) == ("Ada", "")
    user.refresh_from_db()
    assert (user.name, user.phone) == ("Ada", "")


def test_profile_update_writes_only_profile_fields():
    user = UserFactory(name="Ada")
    profile_update(user=user, data={"name": "Ada King", "is_staff": True, "email": "x@y.z"})
    user.refresh_from_db()
    assert user.name == "Ada King"
    assert not user.is_staff
    assert user.email != "x@y.z"


def test_an_address_missing_its_city_is_not_saved():
    user = UserFactory()
    with pytest.raises(InvalidInput) as refused:
        address_create(user=user, data={**ADDRESS, "city": ""})
    assert refused.value.field == "city"
    assert not Address.objects.filter(user=user).exists()


def test_an_address_update_is_validated_too():
    address = AddressFactory(postcode="N1 9GU")
    with pytest.raises(InvalidInput) as refused:
        address_update(address=address, data={"postcode": "X" * 17})
    assert refused.value.field == "postcode"
    address.refresh_from_db()
    assert address.postcode == "N1 9GU"
