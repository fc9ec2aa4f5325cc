from django import forms

from accounts.models import ADDRESS_FIELDS, Address, User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "phone"]
        widgets = {"phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"})}


class AddressForm(forms.ModelForm):
    class Meta:
        model = Address
        fields = list(ADDRESS_FIELDS)


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
