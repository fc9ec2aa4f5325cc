"""The one base class of the business errors that services raise.

The API turns them into a 4xx `{"detail", "code", "field"}` (config/api.py);
HTML views turn them into a message on the page.
"""


class ApplicationError(Exception):
    """A rule was broken. `code` is stable for clients; `field` names the input at fault."""

    status_code = 400
    default_code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.field = field


class NotFound(ApplicationError):
    status_code = 404
    default_code = "not_found"


class Conflict(ApplicationError):
    status_code = 409
    default_code = "conflict"
