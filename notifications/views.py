"""The inbox page, marking read, the navigation badge, and email preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from config.pages import business_errors
from notifications.models import Kind
from notifications.selectors import notification_list, notification_unread_count
from notifications.services import (
    notification_mark_read,
    notifications_mark_all_read,
    preferences_get,
    preferences_set,
)

PER_PAGE = 20


@login_required
def inbox(request):
    page = Paginator(notification_list(user=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "notifications/inbox.html", {"page": page, "notifications": page.object_list}
    )


@require_POST
@login_required
@business_errors(fallback="notifications:inbox")
def mark_read(request, pk: int):
    notification = notification_mark_read(user=request.user, notification_id=pk)
    if request.POST.get("open") and notification.link.startswith("/"):
        return redirect(notification.link)
    return redirect("notifications:inbox")


@require_POST
@login_required
def mark_all_read(request):
    marked = notifications_mark_all_read(user=request.user)
    messages.success(
        request,
        ngettext(
            "Marked %(count)s notification read.", "Marked %(count)s notifications read.", marked
        )
        % {"count": marked},
    )
    return redirect("notifications:inbox")


def badge(request):
    """The unread badge alone, for htmx to refresh the navigation's."""
    return render(
        request,
        "notifications/_badge.html",
        {"unread_count": notification_unread_count(user=request.user)},
    )


@login_required
def preferences(request):
    current = preferences_get(user=request.user)
    if request.method == "POST":
        preferences_set(
            user=request.user,
            email={kind: kind in request.POST.getlist("email") for kind in current},
        )
        messages.success(request, _("Your email choices are saved."))
        return redirect("notifications:preferences")
    choices = [(kind, Kind(kind).label, wanted) for kind, wanted in current.items()]
    return render(request, "notifications/preferences.html", {"choices": choices})
