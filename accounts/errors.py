"""The business errors of accounts, raised by accounts.services."""

from config.errors import ApplicationError


class EmailNotVerified(ApplicationError):
    status_code = 403
    default_code = "email_not_verified"


class AddressLimitReached(ApplicationError):
    default_code = "address_limit"


class WrongPassword(ApplicationError):
    default_code = "wrong_password"
