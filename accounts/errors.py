"""The business errors of accounts, raised by accounts.services."""

from config.errors import ApplicationError


class EmailNotVerified(ApplicationError):
    status_code = 403
    default_code = "email_not_verified"
