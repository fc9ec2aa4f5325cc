"""Filters shared by the API's lists."""

from datetime import date

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

# A day whose start and end exist as aware datetimes in every time zone: the calendar's
# first and last days do not (9999-12-31 has no next midnight).
FIRST_DAY, LAST_DAY = date(1, 1, 2), date(9999, 12, 30)


class DayField(forms.DateField):
    def to_python(self, value):
        # Left out (None), the filter does not apply; sent empty, it is no day at all.
        if value == "":
            raise forms.ValidationError("Enter a date as YYYY-MM-DD, or leave it out.")
        return super().to_python(value)


class DayFilter(django_filters.DateFilter):
    """A day (YYYY-MM-DD); an empty one, or one at the edge of the calendar, is a 400 naming
    the filter."""

    field_class = DayField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [MinValueValidator(FIRST_DAY), MaxValueValidator(LAST_DAY)])
        super().__init__(*args, **kwargs)
