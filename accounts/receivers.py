from allauth.account.signals import user_logged_in, user_signed_up
from django.apps import apps
from django.dispatch import receiver

from accounts.roles import roles_sync
from accounts.services import user_signup_complete
from config.languages import language_cookie_set, language_supported


@receiver(user_signed_up, dispatch_uid="accounts.signup_role")
def give_signup_role(sender, request, user, **kwargs):
    user_signup_complete(user=user)


@receiver(user_logged_in, dispatch_uid="accounts.login_language")
def apply_profile_language(sender, request, user, response=None, **kwargs):
    """The customer's language from their profile, put in the language cookie once at
    sign-in, so LocaleMiddleware needs no query on later requests."""
    language = language_supported(user.language)
    if language is None:
        return
    if response is not None:
        language_cookie_set(response, language)


def sync_roles_after_migrate(sender, **kwargs):
    # post_migrate is sent once per installed app that has models; acting on the last one means
    # every app's permissions (orders' custom ones too) exist by then.
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender is with_models[-1]:
        roles_sync()
