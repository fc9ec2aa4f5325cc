"""The one base class of the business errors that services raise.

The API turns them into a 4xx `{"detail", "code", "field"}` (config/api.py);
HTML pages turn them into a message and a redirect back (config/pages.py).
"""

from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    """A rule was broken. `code` is stable for clients; `field` names the input at fault.

    A subclass is one line of class attributes: `default_code`, `default_field`,
    `default_message` (for errors raised without one) and `status_code`.
    """

    status_code = 400
    default_code = "invalid"
    default_field: str | None = None
    default_message = _("This request breaks a rule of the shop.")

    def __init__(
        self, message: str | None = None, *, code: str | None = None, field: str | None = None
    ):
        self.message = message or self.default_message
        super().__init__(self.message)
        self.code = code or self.default_code
        self.field = field or self.default_field


class NotFound(ApplicationError):
    status_code = 404
    default_code = "not_found"


class Conflict(ApplicationError):
    status_code = 409
    default_code = "conflict"


class InvalidInput(ApplicationError):
    """A value a service was asked to write fails the model's own validation."""

    default_code = "invalid"
