from allauth.account.signals import user_signed_up
from django.apps import apps
from django.dispatch import receiver

from accounts.roles import roles_sync
from accounts.services import user_signup_complete


@receiver(user_signed_up, dispatch_uid="accounts.signup_role")
def give_signup_role(sender, request, user, **kwargs):
    user_signup_complete(user=user)


def sync_roles_after_migrate(sender, **kwargs):
    # post_migrate is sent once per installed app that has models; acting on the last one means
    # every app's permissions (orders' custom ones too) exist by then.
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender is with_models[-1]:
        roles_sync()
