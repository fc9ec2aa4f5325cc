"""allauth's account adapter, with the shop's name and public address in its emails."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings

from config.languages import language_current


@dataclass(frozen=True)
class ShopSite:
    """What allauth's email templates read from `current_site`: the shop, not the host the
    request happened to reach (allauth's RequestSite, when django.contrib.sites is off)."""

    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    def format_email_subject(self, subject: str) -> str:
        return f"[{settings.SHOP_NAME}] {subject}"

    def save_user(self, request, user, form, commit=True):
        """A new customer reads the shop in the language they signed up in."""
        user.language = language_current()
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request
        here = request.build_absolute_uri("/") if request is not None else None
        public = {
            key: f"{settings.SITE_URL}/{value.removeprefix(here)}"
            for key, value in context.items()
            if here and isinstance(value, str) and value.startswith(here)
        }
        site = ShopSite(name=settings.SHOP_NAME, domain=urlsplit(settings.SITE_URL).netloc)
        super().send_mail(template_prefix, email, {**context, **public, "current_site": site})
