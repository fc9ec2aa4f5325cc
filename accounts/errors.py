"""The business errors of accounts, raised by accounts.services."""

from django.utils.translation import gettext_lazy as _

from config.errors import ApplicationError, Conflict


class EmailNotVerified(ApplicationError):
    status_code, default_code = 403, "email_not_verified"


class AddressLimitReached(ApplicationError):
    default_code, default_field = "address_limit", "addresses"


class WrongPassword(ApplicationError):
    default_code, default_field = "wrong_password", "password"
    default_message = _("The password is not correct.")


class AccountInUse(Conflict):
    """The account has something in progress (live orders) that needs it: see
    docs/decisions/0005-account-deletion-with-live-orders.md."""

    default_code = "account_in_use"
