"""Reads of accounts data, each a fixed number of queries."""

from allauth.account.models import EmailAddress
from allauth.account.utils import has_verified_email
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from rest_framework.fields import DateTimeField

from accounts.models import Address, User


def user_email_verified(*, user: User) -> bool:
    """Whether the user has confirmed an email address (allauth's EmailAddress)."""
    return has_verified_email(user)


def user_profile(*, user: User) -> dict:
    """The profile `GET /api/v1/me/` answers, as plain values: the fields and formats of
    accounts.serializers.ProfileSerializer (tests/accounts/test_profile_reply.py holds the
    two equal), without building a serializer per request. A field added to the profile
    goes here too.

    Whether an email is verified and the roles come in one statement, written out: the ORM
    took more instructions to build the query (a join and an EXISTS) than the serializer
    it replaced (bench/RESULTS.md); this one runs on PostgreSQL and SQLite alike."""
    groups = User.groups.through._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {EmailAddress._meta.db_table} e"
            " WHERE e.user_id = %s AND e.verified),"
            f" g.name FROM (SELECT 1 AS one) one LEFT JOIN {groups} ug ON ug.user_id = %s"
            f" LEFT JOIN {Group._meta.db_table} g ON g.id = ug.group_id",
            [user.pk, user.pk],
        )
        rows = cursor.fetchall()
    return {
        "id": user.pk,
        "email": user.email,
        "name": user.name,
        "phone": str(user.phone) if user.phone else user.phone,
        "language": user.language,
        "email_verified": bool(rows[0][0]),
        "roles": sorted(role for _, role in rows if role is not None),
        "date_joined": _DATE_TIME.to_representation(user.date_joined),
    }


_DATE_TIME = DateTimeField()


def address_list(*, user: User) -> QuerySet[Address]:
    return Address.objects.filter(user=user)


def address_get(*, user: User, pk: int) -> Address:
    """The user's own address; another user's is a 404, exactly like a missing one."""
    return get_object_or_404(address_list(user=user), pk=pk)
