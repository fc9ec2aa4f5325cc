import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

_PHONE_CHARS = re.compile(r"^\+?[\d\s\-()]+$")


@deconstructible
class PhoneValidator:
    """An international-looking number: digits, spaces, '+', '-', parentheses; 7 to 20 digits."""

    message = "Enter a phone number of 7 to 20 digits, e.g. +44 20 7946 0000."
    code = "invalid_phone"

    def __call__(self, value: str) -> None:
        digits = sum(char.isdigit() for char in value)
        if not _PHONE_CHARS.match(value) or not 7 <= digits <= 20:
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, PhoneValidator)


validate_phone = PhoneValidator()
