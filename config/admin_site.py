"""The admin site: Django's, refusing a date hierarchy off the calendar with a 400.

Every admin page goes through AdminSite.admin_view, so this is the one place the admin's
date query parameters (`<field>__year`, `__month`, `__day`) are read before Django's
ChangeList turns them into datetimes and a day after (an OverflowError at year 9999).
"""

from datetime import date
from functools import wraps

from django.contrib import admin
from django.http import QueryDict

from config.forms import FIRST_DAY, LAST_DAY
from config.views import error_reply


def date_hierarchy_problem(query: QueryDict) -> tuple[str, str] | None:
    """(the parameter at fault, why) for a date hierarchy that is not a day, month or year
    between FIRST_DAY and LAST_DAY; else None."""
    for key in query:
        field, _, part = key.rpartition("__")
        if part != "year" or not field:
            continue
        numbers = {}
        for name, default in (("year", None), ("month", "1"), ("day", "1")):
            param = f"{field}__{name}"
            value = query.get(param, default)
            if not (value.isascii() and value.isdigit() and len(value) <= 4):
                return param, f"{param}: give a number of up to 4 digits."
            numbers[name] = int(value)
        try:
            start = date(**numbers)
        except ValueError as error:
            return key, f"{key}: {error}."
        # A year's page runs to the next 1 January, which must exist too.
        if start < FIRST_DAY or start.year >= LAST_DAY.year:
            return key, f"{key}: give a day from {FIRST_DAY} to {LAST_DAY.year - 1}-12-31."
    return None


class ShopAdminSite(admin.AdminSite):
    def admin_view(self, view, cacheable=False):
        checked = super().admin_view(view, cacheable)

        @wraps(checked)
        def inner(request, *args, **kwargs):
            if problem := date_hierarchy_problem(request.GET):
                field, detail = problem
                return error_reply(request, 400, detail=detail, code="invalid_input", field=field)
            return checked(request, *args, **kwargs)

        return inner
