from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"

    def ready(self):
        from orders import (
            observability,
            receivers,  # noqa: F401 - connects the signal receivers
            tasks,  # noqa: F401 - registers the tasks services queue by name
        )

        observability.register()
