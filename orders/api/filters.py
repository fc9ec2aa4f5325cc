"""Filters shared by the API's lists."""

from datetime import date

import django_filters
from django.core.validators import MaxValueValidator, MinValueValidator

# A day whose start and end exist as aware datetimes in every time zone: the calendar's
# first and last days do not (9999-12-31 has no next midnight).
FIRST_DAY, LAST_DAY = date(1, 1, 2), date(9999, 12, 30)


class DayFilter(django_filters.DateFilter):
    """A day (YYYY-MM-DD); one at the edge of the calendar is a 400 naming the filter."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [MinValueValidator(FIRST_DAY), MaxValueValidator(LAST_DAY)])
        super().__init__(*args, **kwargs)
