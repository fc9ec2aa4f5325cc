"""Guests: who a visitor without an account says they are at checkout, and their orders
becoming theirs once they verify that email on an account (docs/decisions/0008-guest-orders.md).
"""

import logging
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext
from phonenumber_field.phonenumber import to_python

from accounts.models import ADDRESS_FIELDS, Address, User
from config.validators import single_line
from orders.errors import GuestDetailsInvalid
from orders.models import Order

logger = logging.getLogger(__name__)

NAME_MAX_LENGTH = Order._meta.get_field("contact_name").max_length
# What a guest writes of an address: an account's Address fields, but the label (there is
# no address book) and the recipient and phone default to the guest's own.
GUEST_ADDRESS_FIELDS = tuple(field for field in ADDRESS_FIELDS if field != "label")


@dataclass(frozen=True)
class GuestDetails:
    """A guest's checked details: the email in lower case, the phone in E.164, and for a
    delivery an unsaved Address that passed the model's own validation."""

    email: str
    name: str
    phone: str
    address: Address | None


def _refuse(field: str, messages) -> GuestDetailsInvalid:
    return GuestDetailsInvalid(" ".join(messages), field=field)


def guest_details_clean(
    *, email: object, name: object, phone: object, address: dict | None = None
) -> GuestDetails:
    """Check a guest's details as an account's profile and address are checked; raise
    GuestDetailsInvalid naming the first field at fault (`guest.email`, `guest.name`,
    `guest.phone`, or `address.<field>`: `address.postcode` for one malformed for its
    country)."""
    email = str(email or "").strip().lower()
    name = str(name or "").strip()
    phone_text = str(phone or "").strip()
    if not email:
        raise GuestDetailsInvalid(gettext("Enter your email address."), field="guest.email")
    try:
        validate_email(email)
    except ValidationError as error:
        raise _refuse("guest.email", error.messages) from error
    if len(email) > Order._meta.get_field("guest_email").max_length:
        raise GuestDetailsInvalid(gettext("This email address is too long."), field="guest.email")
    if not name:
        raise GuestDetailsInvalid(gettext("Enter your name."), field="guest.name")
    if len(name) > NAME_MAX_LENGTH:
        raise GuestDetailsInvalid(
            gettext("Your name must be at most %(n)d characters.") % {"n": NAME_MAX_LENGTH},
            field="guest.name",
        )
    try:
        single_line(name)
    except ValidationError as error:
        raise _refuse("guest.name", error.messages) from error
    if not phone_text:
        raise GuestDetailsInvalid(
            gettext("Enter a phone number, for questions about the order."), field="guest.phone"
        )
    number = to_python(phone_text)
    if number is None or not number.is_valid():
        raise GuestDetailsInvalid(
            gettext("Enter a valid phone number (e.g. +44 20 7946 0000)."), field="guest.phone"
        )
    return GuestDetails(
        email=email,
        name=name,
        phone=str(number),
        address=None if address is None else _address_clean(address, name=name, phone=number),
    )


def _address_clean(data: dict, *, name: str, phone) -> Address:
    """An unsaved Address checked by the model (lengths, single lines, the postcode's format
    for its country, written that way)."""
    fields = {
        field: str(data.get(field) or "").strip()
        for field in GUEST_ADDRESS_FIELDS
        if data.get(field) not in (None, "")
    }
    fields.setdefault("recipient", name)
    fields.setdefault("country", "GB")
    address = Address(**fields)
    if not address.phone:
        address.phone = phone
    try:
        address.full_clean(exclude=["user"])
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise _refuse(f"address.{field}", messages) from error
    return address


@transaction.atomic
def guest_orders_claim(*, user: User, email: str) -> int:
    """Attach the guest orders placed with `email` to `user`, who has just verified that
    email (the caller's promise: an unverified one would let anyone claim them). Returns
    how many were attached."""
    email = email.strip().lower()
    claimed = Order.objects.filter(user__isnull=True, guest_email=email).update(user=user)
    if claimed:
        logger.info("User %s claimed %s guest order(s) by verifying their email", user.pk, claimed)
    return claimed


def guest_orders_claim_verified(*, user: User) -> int:
    """Attach the guest orders of every email the user has verified (at sign-in: a guest
    order placed while signed out with an address already verified on the account)."""
    verified = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return sum(guest_orders_claim(user=user, email=email) for email in verified)
