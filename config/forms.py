"""Form fields for input classes every surface reads the same way."""

from datetime import date

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

# A day whose start and end exist as aware datetimes in every time zone, and whose day
# before and after exist too: the calendar's first and last days do not (9999-12-31 has no
# next midnight).
FIRST_DAY, LAST_DAY = date(1, 1, 2), date(9999, 12, 30)


class DayField(forms.DateField):
    """A day as YYYY-MM-DD, between FIRST_DAY and LAST_DAY; sent empty, it is no day at all."""

    default_validators = [MinValueValidator(FIRST_DAY), MaxValueValidator(LAST_DAY)]

    def to_python(self, value):
        # Left out (None), a filter does not apply; sent empty, it is no day at all.
        if value == "":
            raise forms.ValidationError("Enter a date as YYYY-MM-DD, or leave it out.")
        return super().to_python(value)
