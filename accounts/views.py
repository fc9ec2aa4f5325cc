"""The account pages: profile, saved addresses, sign out everywhere, deletion."""

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

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
    if request.method == "POST" and form.is_valid():
        services.address_create(user=request.user, data=form.cleaned_data)
        messages.success(request, "The address is saved.")
        return redirect("accounts:account")
    return render(request, "accounts/address_form.html", {"form": form, "address": None})


@login_required
def address_edit(request, pk):
    address = selectors.address_get(user=request.user, pk=pk)
    form = AddressForm(request.POST or None, instance=address)
    if request.method == "POST" and form.is_valid():
        services.address_update(address=address, data=form.cleaned_data)
        messages.success(request, "The address is saved.")
        return redirect("accounts:account")
    return render(request, "accounts/address_form.html", {"form": form, "address": address})


@require_POST
@login_required
def address_delete(request, pk):
    address = selectors.address_get(user=request.user, pk=pk)
    services.address_delete(address=address)
    messages.success(request, "The address is deleted.")
    return redirect("accounts:account")


@require_POST
@login_required
def logout_all(request):
    services.user_sessions_end(user=request.user)
    get_adapter(request).logout(request)
    messages.success(request, "You are signed out on every device. Sign in again to continue.")
    return redirect("account_login")


def _delete_refused(request, error: ApplicationError):
    """A wrong password is shown on the form itself, next to the field."""
    form = DeleteAccountForm(request.POST)
    form.is_valid()
    form.add_error(error.field, error.message)
    return render(request, "accounts/delete.html", {"form": form})


@login_required
@business_errors(fallback="accounts:delete", reply=_delete_refused)
def delete_account(request):
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_delete(user=request.user, password=form.cleaned_data["password"])
        get_adapter(request).logout(request)
        messages.success(request, "Your account is deleted. Thank you for shopping with us.")
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form})
