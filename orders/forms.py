"""HTML forms of the orders app. They check types only; the rules live in orders.services."""

from django import forms

from orders.models import MAX_LINE_QUANTITY


def _quantity_field() -> forms.IntegerField:
    # min/max only as widget attributes: the browser hints, cart_quantity_check decides.
    return forms.IntegerField(
        widget=forms.NumberInput(
            attrs={"min": 1, "max": MAX_LINE_QUANTITY, "inputmode": "numeric"}
        ),
        error_messages={
            "required": "Enter a quantity.",
            "invalid": "Quantity must be a whole number.",
        },
    )


class CartAddForm(forms.Form):
    product = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": "Choose a product.", "invalid": "Choose a product."},
    )
    quantity = _quantity_field()


class CartLineUpdateForm(forms.Form):
    quantity = _quantity_field()
