"""Postcodes checked by the rules of their country, through django-localflavor."""

import re

from django import forms
from django.core.exceptions import ValidationError
from localflavor.at.forms import ATZipCodeField
from localflavor.be.forms import BEPostalCodeField
from localflavor.ch.forms import CHZipCodeField
from localflavor.de.forms import DEZipCodeField
from localflavor.es.forms import ESPostalCodeField
from localflavor.fr.forms import FRZipCodeField
from localflavor.gb.forms import GBPostcodeField
from localflavor.ie.forms import EircodeField
from localflavor.it.forms import ITZipCodeField
from localflavor.nl.forms import NLZipCodeField
from localflavor.us.forms import USZipCodeField

# The countries whose postcode format localflavor knows; elsewhere the loose shape below.
_POSTCODE_FIELDS: dict[str, tuple[type[forms.Field], str]] = {
    "AT": (ATZipCodeField, "1010"),
    "BE": (BEPostalCodeField, "1000"),
    "CH": (CHZipCodeField, "8001"),
    "DE": (DEZipCodeField, "10115"),
    "ES": (ESPostalCodeField, "28001"),
    "FR": (FRZipCodeField, "75001"),
    "GB": (GBPostcodeField, "SW1A 1AA"),
    "IE": (EircodeField, "D02 X285"),
    "IT": (ITZipCodeField, "00118"),
    "NL": (NLZipCodeField, "1011 AB"),
    "US": (USZipCodeField, "10001"),
}
# Countries whose postcode format is known, for pickers that ask for one (the first is
# the default).
POSTCODE_COUNTRIES = ("GB", *sorted(code for code in _POSTCODE_FIELDS if code != "GB"))
_ANY_POSTCODE = re.compile(r"^[0-9A-Z][0-9A-Z \-]{1,14}$")


def postcode_clean(postcode: str, country: str) -> str:
    """The postcode written the way `country` writes it, or a ValidationError saying how."""
    postcode = " ".join(postcode.upper().split())
    known = _POSTCODE_FIELDS.get(str(country))
    if known is None:
        if _ANY_POSTCODE.match(postcode):
            return postcode
        raise ValidationError(
            "Enter a postcode of letters, digits, spaces or hyphens.", code="invalid_postcode"
        )
    field_class, example = known
    try:
        return field_class().clean(postcode)
    except ValidationError as error:
        raise ValidationError(
            f"Enter a valid postcode for this country, e.g. {example}.", code="invalid_postcode"
        ) from error
