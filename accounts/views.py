"""The account pages: profile, saved addresses, sign out everywhere, deletion."""

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from accounts import selectors, services
from accounts.forms import AddressForm, DeleteAccountForm, ProfileForm
from accounts.models import MAX_ADDRESSES
from config.errors import ApplicationError
from config.languages import language_cookie_set, language_supported
from config.pages import business_errors, next_path


@require_POST
def language_set(request):
    """The switcher on every page (Django's set_language: the cookie, then back to `next`);
    a signed-in customer's choice is kept on their profile for what is sent to them later."""
    response = set_language(request)
    language = language_supported(request.POST.get("language"))
    if language and request.user.is_authenticated:
        services.profile_language_set(user=request.user, language=language)
    return response


@login_required
def account(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = services.profile_update(user=request.user, data=form.cleaned_data)
        with translation.override(user.language):
            messages.success(request, _("Your profile is saved."))
        response = redirect("accounts:account")
        language_cookie_set(response, user.language)
        return response
    addresses = list(selectors.address_list(user=request.user))
    return render(
        request,
        "accounts/account.html",
        {
            "form": form,
            "addresses": addresses,
            "max_addresses": MAX_ADDRESSES,
            "can_add_address": not services.address_limit_reached(count=len(addresses)),
        },
    )


@login_required
@business_errors(fallback="accounts:account")
def address_create(request):
    # `next` brings a customer who came from checkout back to it.
    back = next_path(request)
    form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.address_create(user=request.user, data=form.cleaned_data)
        messages.success(request, _("The address is saved."))
        return redirect(back or "accounts:account")
    return render(
        request, "accounts/address_form.html", {"form": form, "address": None, "next": back}
    )


@login_required
def address_edit(request, pk):
    address = selectors.address_get(user=request.user, pk=pk)
    form = AddressForm(request.POST or None, instance=address)
    if request.method == "POST" and form.is_valid():
        services.address_update(address=address, data=form.cleaned_data)
        messages.success(request, _("The address is saved."))
        return redirect("accounts:account")
    return render(request, "accounts/address_form.html", {"form": form, "address": address})


@require_http_methods(["GET", "POST"])
@login_required
def address_delete(request, pk):
    """GET asks first (it works without JavaScript); the POST it sends deletes."""
    address = selectors.address_get(user=request.user, pk=pk)
    if request.method == "GET":
        return render(
            request,
            "confirm.html",
            {
                "title": _("Delete this address?"),
                "lines": [str(address), _("Orders already placed keep their copy of it.")],
                "button": _("Yes, delete it"),
                "back_url": reverse("accounts:account"),
            },
        )
    services.address_delete(address=address)
    messages.success(request, _("The address is deleted."))
    return redirect("accounts:account")


@require_http_methods(["GET", "POST"])
@login_required
def logout_all(request):
    """GET asks first; the POST it sends ends every session and app token of the user."""
    if request.method == "GET":
        return render(
            request,
            "confirm.html",
            {
                "title": _("Sign out everywhere?"),
                "lines": [
                    _("Every browser and app signed in as you is signed out, this one included.")
                ],
                "button": _("Yes, sign out everywhere"),
                "back_url": reverse("accounts:account"),
            },
        )
    services.user_sessions_end(user=request.user)
    get_adapter(request).logout(request)
    messages.success(request, _("You are signed out on every device. Sign in again to continue."))
    return redirect("account_login")


def _delete_refused(request, error: ApplicationError):
    """A wrong password is shown on the form itself, next to the field; live orders above it."""
    form = DeleteAccountForm(request.POST)
    form.is_valid()
    form.add_error(error.field, error.message)
    return render(
        request,
        "accounts/delete.html",
        {"form": form, "refusal": services.user_deletion_refusal(user=request.user)},
    )


@login_required
@business_errors(fallback="accounts:delete", reply=_delete_refused)
def delete_account(request):
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_delete(user=request.user, password=form.cleaned_data["password"])
        get_adapter(request).logout(request)
        messages.success(request, _("Your account is deleted. Thank you for shopping with us."))
        return redirect("home")
    return render(
        request,
        "accounts/delete.html",
        {"form": form, "refusal": services.user_deletion_refusal(user=request.user)},
    )
