"""Reads of accounts data, each a fixed number of queries."""

from allauth.account.utils import has_verified_email
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Address, User


def user_email_verified(*, user: User) -> bool:
    """Whether the user has confirmed an email address (allauth's EmailAddress)."""
    return has_verified_email(user)


def address_list(*, user: User) -> QuerySet[Address]:
    return Address.objects.filter(user=user)


def address_get(*, user: User, pk: int) -> Address:
    """The user's own address; another user's is a 404, exactly like a missing one."""
    return get_object_or_404(address_list(user=user), pk=pk)
