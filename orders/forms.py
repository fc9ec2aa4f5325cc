"""HTML forms of the orders app. They check types only; the rules live in orders.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from config.validators import single_line
from orders.models import MAX_LINE_QUANTITY


def _quantity_field() -> forms.IntegerField:
    # min/max only as widget attributes: the browser hints, cart_quantity_check decides.
    return forms.IntegerField(
        widget=forms.NumberInput(
            attrs={"min": 1, "max": MAX_LINE_QUANTITY, "inputmode": "numeric"}
        ),
        error_messages={
            "required": _("Enter a quantity."),
            "invalid": _("Quantity must be a whole number."),
        },
    )


class CartAddForm(forms.Form):
    product = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": _("Choose a product."), "invalid": _("Choose a product.")},
    )
    quantity = _quantity_field()


class CartLineUpdateForm(forms.Form):
    quantity = _quantity_field()


PICKUP = "pickup"


class CheckoutForm(forms.Form):
    # A one-time token rendered into each checkout page and sent as the idempotency key,
    # so a double-clicked or re-sent form places one order.
    token = forms.CharField(
        widget=forms.HiddenInput,
        max_length=100,
        error_messages={"required": _("The form has expired: please try again.")},
    )
    slot = forms.IntegerField(
        min_value=1,
        error_messages={"required": _("Choose a slot."), "invalid": _("Choose a slot.")},
    )
    address = forms.CharField(
        max_length=20,
        error_messages={"required": _("Choose a delivery address, or pickup.")},
    )
    coupon = forms.CharField(max_length=32, required=False, validators=[single_line])

    def clean_address(self) -> int | None:
        value = self.cleaned_data["address"]
        if value == PICKUP:
            return None
        if not (value.isascii() and value.isdigit()):
            raise forms.ValidationError(_("Choose a delivery address, or pickup."))
        return int(value)
