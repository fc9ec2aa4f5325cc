"""Filters shared by the API's lists."""

import django_filters

from config.forms import DayField


class DayFilter(django_filters.DateFilter):
    """A day (YYYY-MM-DD); an empty one, or one at the edge of the calendar, is a 400 naming
    the filter."""

    field_class = DayField
