"""The business errors of the notifications app, raised by notifications.services."""

from django.utils.translation import gettext_lazy as _

from config.errors import ApplicationError, NotFound


class UnknownKind(ApplicationError):
    default_code = "unknown_kind"
    default_field = "kind"


class NotificationNotFound(NotFound):
    """No such notification of yours; someone else's looks the same as a missing one."""

    default_code = "notification_not_found"
    default_field = "id"
    default_message = _("No such notification.")


class WebhookURLRefused(ApplicationError):
    """Not https, or an address inside our network (loopback, private, link-local, cloud
    metadata), or a host that does not resolve."""

    default_code = "webhook_url_refused"
    default_field = "url"


class WebhookEventsInvalid(ApplicationError):
    default_code = "webhook_events_invalid"
    default_field = "events"
