import pytest

from accounts.errors import AddressLimitReached
from accounts.models import MAX_ADDRESSES, Address
from accounts.services import address_create
from tests.concurrency import run_concurrently
from tests.factories import AddressFactory, UserFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_many_saves_at_once_never_pass_the_address_limit():
    user = UserFactory()
    AddressFactory.create_batch(MAX_ADDRESSES - 2, user=user)

    results = run_concurrently(
        lambda i: address_create(
            user=user,
            data={"recipient": "Ada", "line1": f"{i} Row", "city": "London", "postcode": "N1 9GU"},
        ),
        times=6,
    )

    assert Address.objects.filter(user=user).count() == MAX_ADDRESSES
    assert sum(isinstance(result, Address) for result in results) == 2
    assert sum(isinstance(result, AddressLimitReached) for result in results) == 4
