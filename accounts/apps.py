from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    # allauth's own app (email addresses) is "Accounts" in admin already.
    verbose_name = "Users"

    def ready(self):
        from accounts import receivers, schema  # noqa: F401  (registers receivers and schema)

        post_migrate.connect(receivers.sync_roles_after_migrate, dispatch_uid="accounts.roles")
        _refuse_password_reset_keys_without_a_user()


def _refuse_password_reset_keys_without_a_user():
    """A password reset key is "<user id in base36>-<token>". allauth's UserTokenForm looks
    the user up even when the id part is missing (the key "-1"), and base36_to_int(None)
    is a TypeError, a 500; such a key is simply invalid (allauth's own 400)."""
    from allauth.account.forms import UserTokenForm

    look_up = UserTokenForm._get_user

    def _get_user(self, uidb36):
        return look_up(self, uidb36) if uidb36 else None

    UserTokenForm._get_user = _get_user
