"""The business errors of accounts, raised by accounts.services."""

from config.errors import ApplicationError


class EmailNotVerified(ApplicationError):
    status_code, default_code = 403, "email_not_verified"


class AddressLimitReached(ApplicationError):
    default_code, default_field = "address_limit", "addresses"


class WrongPassword(ApplicationError):
    default_code, default_field = "wrong_password", "password"
    default_message = "The password is not correct."
