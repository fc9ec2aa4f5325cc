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


OPTION_FIELD_PREFIX = "option-"


class CartAddForm(forms.Form):
    """The product, the quantity, a radio button `option-<group id>` per option group and
    the message; the options and message are checked by the cart service."""

    product = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": _("Choose a product."), "invalid": _("Choose a product.")},
    )
    quantity = _quantity_field()
    message = forms.CharField(required=False, strip=False)

    def choice_ids(self) -> list[int] | str:
        """The chosen choice ids; a value that is not an id is passed on as it came, for
        the service to refuse naming `options`."""
        ids = []
        for name, values in self.data.lists():
            if not name.startswith(OPTION_FIELD_PREFIX):
                continue
            for value in values:
                if not value:
                    continue
                if not (value.isascii() and value.isdigit() and len(value) <= 18):
                    return value
                ids.append(int(value))
        return ids


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
    # Checked by the checkout service (orders.options.note_clean), as for the API.
    note = forms.CharField(required=False, strip=False)

    def clean_address(self) -> int | None:
        value = self.cleaned_data["address"]
        if value == PICKUP:
            return None
        if not (value.isascii() and value.isdigit()):
            raise forms.ValidationError(_("Choose a delivery address, or pickup."))
        return int(value)


GUEST_ADDRESS_INPUTS = ("line1", "line2", "city", "postcode", "country", "instructions")


class GuestCheckoutForm(forms.Form):
    """A guest's checkout: the token, slot and coupon as CheckoutForm, and who they are.
    Types only: orders.services.guests checks the email, phone and address."""

    token = CheckoutForm.base_fields["token"]
    slot = CheckoutForm.base_fields["slot"]
    coupon = CheckoutForm.base_fields["coupon"]
    note = CheckoutForm.base_fields["note"]
    kind = forms.ChoiceField(
        choices=[("delivery", _("Delivery")), (PICKUP, _("Pickup"))],
        widget=forms.HiddenInput,
        error_messages={"required": _("Choose delivery or pickup.")},
    )
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    line1 = forms.CharField(label=_("Address line 1"), max_length=200, required=False)
    line2 = forms.CharField(label=_("Address line 2"), max_length=200, required=False)
    city = forms.CharField(label=_("Town or city"), max_length=100, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=16, required=False)
    country = forms.CharField(label=_("Country"), max_length=2, required=False)
    instructions = forms.CharField(
        label=_("Instructions for the driver"), max_length=300, required=False
    )

    def address(self) -> dict | None:
        """The address typed, for a delivery; None for pickup."""
        if self.cleaned_data["kind"] == PICKUP:
            return None
        return {field: self.cleaned_data[field] for field in GUEST_ADDRESS_INPUTS}
