"""What every orders admin shares: saving through a service, and refusals shown as messages."""

from collections.abc import Callable

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _

from config.errors import ApplicationError

REFUSAL = "_orders_admin_refusal"


class ServiceSaveAdmin(admin.ModelAdmin):
    """save_model calls `self.service(<model name>=obj)`; a refusal keeps the user on the form.

    The forms check the same rules first and show them as form errors; a refusal here is
    the rare case where the row changed between the form's check and the save (a race).
    """

    service = None

    def save_model(self, request, obj, form, change):
        try:
            self.service(**{self.model._meta.model_name: obj})
        except ApplicationError as error:
            setattr(request, REFUSAL, error)

    def _refused(self, request) -> ApplicationError | None:
        return getattr(request, REFUSAL, None)

    def log_addition(self, request, obj, message):
        if not self._refused(request):
            return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        if not self._refused(request):
            return super().log_change(request, obj, message)

    def response_add(self, request, obj, post_url_continue=None):
        return self._refusal_response(request) or super().response_add(
            request, obj, post_url_continue
        )

    def response_change(self, request, obj):
        return self._refusal_response(request) or super().response_change(request, obj)

    def _refusal_response(self, request):
        error = self._refused(request)
        if error is None:
            return None
        self.message_user(
            request, _("Not saved: %(reason)s") % {"reason": error.message}, messages.ERROR
        )
        return HttpResponseRedirect(request.path)


def apply_each(modeladmin, request, queryset, move, done_message: Callable[[int], str]) -> None:
    """Run `move(obj)` (a service call) for each selected object; report done (in the words
    `done_message(count)` gives) and refused."""
    done, refused = 0, []
    for obj in queryset:
        try:
            move(obj)
            done += 1
        except ApplicationError as error:
            refused.append(f"{obj}: {error.message}")
    if done:
        modeladmin.message_user(request, done_message(done))
    if refused:
        modeladmin.message_user(
            request,
            _("Not changed: %(refusals)s") % {"refusals": "; ".join(refused)},
            messages.WARNING,
        )
