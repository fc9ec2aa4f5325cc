"""The business errors of the notifications app, raised by notifications.services."""

from config.errors import ApplicationError, NotFound


class UnknownKind(ApplicationError):
    default_code = "unknown_kind"
    default_field = "kind"


class NotificationNotFound(NotFound):
    """No such notification of yours; someone else's looks the same as a missing one."""

    default_code = "notification_not_found"
    default_field = "id"
    default_message = "No such notification."
