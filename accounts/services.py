"""Every write and every rule about users, profiles, addresses, sessions and roles."""

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.adapter import get_adapter as get_usersessions_adapter
from allauth.usersessions.models import UserSession
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import export
from accounts.errors import AccountInUse, AddressLimitReached, EmailNotVerified, WrongPassword
from accounts.models import ADDRESS_FIELDS, MAX_ADDRESSES, PROFILE_FIELDS, Address, User
from accounts.roles import CUSTOMER
from accounts.selectors import address_list, user_email_verified
from accounts.signals import user_data_export, user_deletion_asked, user_erasing
from config.services import model_update, model_validate


def user_ensure_verified(*, user: User) -> None:
    """Checkout and payments need a verified email address: raise EmailNotVerified otherwise."""
    if not user_email_verified(user=user):
        raise EmailNotVerified(
            _(
                "Please verify your email address before checking out: "
                "enter the code from the email we sent you."
            )
        )


def user_role_assign(*, user: User, role: str) -> None:
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)


def user_signup_complete(*, user: User) -> None:
    """Everyone who signs up is a customer."""
    user_role_assign(user=user, role=CUSTOMER)


def profile_update(*, user: User, data: dict[str, Any]) -> User:
    """Change name and/or phone; other keys are ignored, bad values raise InvalidInput."""
    return model_update(instance=user, fields=PROFILE_FIELDS, data=data)


def profile_language_set(*, user: User, language: str) -> None:
    """Keep the language a signed-in customer switched to (its emails come in it too)."""
    if user.language != language:
        profile_update(user=user, data={"language": language})


def address_limit_reached(*, count: int) -> bool:
    """The one address limit: an account holds at most MAX_ADDRESSES."""
    return count >= MAX_ADDRESSES


@transaction.atomic
def address_create(*, user: User, data: dict[str, Any]) -> Address:
    """Save a new address; an account holds at most MAX_ADDRESSES."""
    # Lock the user row so two requests at once cannot both save the 10th+1 address.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if address_limit_reached(count=Address.objects.filter(user=user).count()):
        raise AddressLimitReached(
            _("You can save at most %(max)s addresses: delete one before adding another.")
            % {"max": MAX_ADDRESSES}
        )
    address = Address(
        user=user, **{field: data[field] for field in ADDRESS_FIELDS if field in data}
    )
    model_validate(address, fields=ADDRESS_FIELDS)
    address.save()
    return address


def address_update(*, address: Address, data: dict[str, Any]) -> Address:
    return model_update(instance=address, fields=ADDRESS_FIELDS, data=data)


def address_delete(*, address: Address) -> None:
    address.delete()


def user_sessions_end(*, user: User) -> int:
    """End every session of the user: browser sessions and app session tokens, on all devices.

    allauth's headless app tokens are Django sessions and usersessions tracks each
    of them (at login, and on every browser request), so ending the tracked
    sessions signs the user out everywhere. Returns how many were ended.
    """
    sessions = list(UserSession.objects.filter(user_id=user.pk))
    get_usersessions_adapter().end_sessions(sessions)
    return len(sessions)


def user_export(*, user: User) -> dict[str, Any]:
    """Everything Orderly holds about the user, JSON-ready.

    Other apps add their sections through the user_data_export signal.
    """
    emails = EmailAddress.objects.filter(user=user).order_by("pk")
    authenticators = Authenticator.objects.filter(user=user).order_by("pk")
    sessions = UserSession.objects.filter(user=user).order_by("created_at")
    data: dict[str, Any] = {
        "profile": export.ExportProfileSerializer(user).data,
        "email_addresses": export.ExportEmailAddressSerializer(emails, many=True).data,
        "addresses": export.ExportAddressSerializer(address_list(user=user), many=True).data,
        "two_factor": export.ExportAuthenticatorSerializer(authenticators, many=True).data,
        "sessions": export.ExportSessionSerializer(sessions, many=True).data,
    }
    for _receiver, sections in user_data_export.send(sender=User, user=user):
        if sections:
            data.update(sections)
    return data


@transaction.atomic
def user_deletion_refusal(*, user: User) -> str:
    """Why the account cannot be deleted now ("" when it can): the other apps say, e.g.
    orders still in progress (docs/decisions/0005)."""
    reasons = [reason for _, reason in user_deletion_asked.send(sender=User, user=user)]
    return " ".join(reason for reason in reasons if reason)


def user_delete(*, user: User, password: str) -> None:
    """Erase the account: personal data goes, orders stay (anonymised), login ends for good.

    Refused while the account has orders in progress, which need the name, address and
    email to be fulfilled (docs/decisions/0005).
    """
    if not password or not user.check_password(password):
        raise WrongPassword()
    user = User.objects.select_for_update().get(pk=user.pk)
    refusal = user_deletion_refusal(user=user)
    if refusal:
        raise AccountInUse(refusal)
    user_erasing.send(sender=User, user=user)
    Address.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user_sessions_end(user=user)
    user.groups.clear()
    user.user_permissions.clear()
    user.email = f"deleted-{user.pk}@invalid"
    user.name = ""
    user.phone = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save()
