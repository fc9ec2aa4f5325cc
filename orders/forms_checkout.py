"""The checkout form. It checks types only; checkout_place decides everything else."""

from django import forms

PICKUP = "pickup"


class CheckoutForm(forms.Form):
    # A one-time token rendered into each checkout page and sent as the idempotency key,
    # so a double-clicked or re-sent form places one order.
    token = forms.CharField(
        widget=forms.HiddenInput,
        max_length=100,
        error_messages={"required": "The form has expired: please try again."},
    )
    slot = forms.IntegerField(
        min_value=1,
        error_messages={"required": "Choose a slot.", "invalid": "Choose a slot."},
    )
    address = forms.CharField(
        max_length=20,
        error_messages={"required": "Choose a delivery address, or pickup."},
    )
    coupon = forms.CharField(max_length=32, required=False)

    def clean_address(self) -> int | None:
        value = self.cleaned_data["address"]
        if value == PICKUP:
            return None
        if not value.isdigit():
            raise forms.ValidationError("Choose a delivery address, or pickup.")
        return int(value)
