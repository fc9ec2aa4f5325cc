from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self):
        from notifications import (
            observability,
            receivers,  # noqa: F401 - connects the signal receivers
            tasks,  # noqa: F401 - registers the tasks queued by name
        )

        observability.register()
