from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from accounts import receivers, schema  # noqa: F401  (registers receivers and schema)

        post_migrate.connect(receivers.sync_roles_after_migrate, dispatch_uid="accounts.roles")
