from django import forms

from accounts.models import ADDRESS_FIELDS, Address, User

PHONE_INPUT = forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"})


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "phone", "language"]
        widgets = {"phone": PHONE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A form that leaves the language out keeps the one the customer reads now.
        self.fields["language"].required = False

    def clean_language(self) -> str:
        return self.cleaned_data["language"] or self.instance.language


class AddressForm(forms.ModelForm):
    class Meta:
        model = Address
        fields = list(ADDRESS_FIELDS)
        widgets = {
            "phone": PHONE_INPUT,
            "recipient": forms.TextInput(attrs={"autocomplete": "name"}),
            "line1": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "line2": forms.TextInput(attrs={"autocomplete": "address-line2"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "postcode": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "country": forms.Select(attrs={"autocomplete": "country"}),
        }


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
