"""Validators every app's fields share."""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# C0 controls (tab, CR and LF included), DEL, C1 controls (NEL among them), and Unicode's
# own line and paragraph separators.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@deconstructible
class SingleLineValidator:
    """A single-line text field holds one line of printable text: a line break in a product
    name would reach an email's subject (which Django refuses to send), a CSV or a label."""

    message = "Enter one line of text, without line breaks, tabs or other control characters."
    code = "control_characters"

    def __call__(self, value):
        if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, SingleLineValidator)


single_line = SingleLineValidator()
