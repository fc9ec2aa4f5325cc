"""The account pages: profile, saved addresses, sign out everywhere, deletion."""

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from accounts import selectors, services
from accounts.forms import AddressForm, DeleteAccountForm, ProfileForm
from accounts.models import MAX_ADDRESSES
from config.errors import ApplicationError
from config.pages import business_errors


@login_required
def account(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.profile_update(user=request.user, data=form.cleaned_data)
        messages.success(request, "Your profile is saved.")
        return redirect("accounts:account")
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
    form = AddressForm(request.POST or None)
    # `next` brings a customer who came from checkout back to it.
    back = request.POST.get("next") or request.GET.get("next", "")
    if request.method == "POST" and form.is_valid():
        services.address_create(user=request.user, data=form.cleaned_data)
        messages.success(request, "The address is saved.")
        safe = url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        return redirect(back if back and safe else "accounts:account")
    return render(
        request, "accounts/address_form.html", {"form": form, "address": None, "next": back}
    )


@login_required
def address_edit(request, pk):
    address = selectors.address_get(user=request.user, pk=pk)
    form = AddressForm(request.POST or None, instance=address)
    if request.method == "POST" and form.is_valid():
        services.address_update(address=address, data=form.cleaned_data)
        messages.success(request, "The address is saved.")
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
                "title": "Delete this address?",
                "lines": [str(address), "Orders already placed keep their copy of it."],
                "button": "Yes, delete it",
                "back_url": reverse("accounts:account"),
            },
        )
    services.address_delete(address=address)
    messages.success(request, "The address is deleted.")
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
                "title": "Sign out everywhere?",
                "lines": [
                    "Every browser and app signed in as you is signed out, this one included."
                ],
                "button": "Yes, sign out everywhere",
                "back_url": reverse("accounts:account"),
            },
        )
    services.user_sessions_end(user=request.user)
    get_adapter(request).logout(request)
    messages.success(request, "You are signed out on every device. Sign in again to continue.")
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
        messages.success(request, "Your account is deleted. Thank you for shopping with us.")
        return redirect("home")
    return render(
        request,
        "accounts/delete.html",
        {"form": form, "refusal": services.user_deletion_refusal(user=request.user)},
    )
