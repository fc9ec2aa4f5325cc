"""GET /api/v1/me/ answers plain values (accounts.selectors.user_profile), which must stay
what ProfileSerializer (the schema's and PATCH's) would answer, in a fixed number of queries."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.roles import MANAGER, STAFF
from accounts.serializers import ProfileSerializer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _me(user) -> dict:
    client = Client()
    client.force_login(user)
    response = client.get("/api/v1/me/")
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize(
    ("phone", "verified", "roles"),
    [
        ("+44 20 7946 0000", True, [STAFF, MANAGER]),
        ("", False, []),
        ("(020) 7946-0001", True, [STAFF]),
    ],
)
def test_the_profile_is_what_the_serializer_would_answer(phone, verified, roles):
    user = UserFactory(phone=phone, verified=verified)
    user.groups.set(Group.objects.filter(name__in=roles))
    me = _me(user)
    assert me == ProfileSerializer(user).data
    assert me["email_verified"] is verified
    assert me["roles"] == sorted(roles)


def test_an_unverified_second_address_does_not_hide_a_verified_one():
    user = UserFactory()
    EmailAddress.objects.create(user=user, email="second@example.com", verified=False)
    assert _me(user)["email_verified"] is True


def test_the_profile_is_one_query_with_one_role_or_three(django_assert_num_queries):
    user = UserFactory()
    client = Client()
    client.force_login(user)
    client.get("/api/v1/me/")  # the session is registered on the first request; leave that out
    user.groups.set(Group.objects.filter(name=STAFF))
    with CaptureQueriesContext(connection) as with_one:
        assert client.get("/api/v1/me/").json()["roles"] == [STAFF]
    profile_reads = [q for q in with_one.captured_queries if "account_emailaddress" in q["sql"]]
    assert len(profile_reads) == 1
    assert "auth_group" in profile_reads[0]["sql"]  # the roles come with it
    user.groups.set(Group.objects.all())
    roles = Group.objects.count()
    assert roles >= 3
    with django_assert_num_queries(len(with_one.captured_queries)):
        assert len(client.get("/api/v1/me/").json()["roles"]) == roles
