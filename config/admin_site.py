"""The admin site: Django's, refusing with a 400 the query parameters its pages would crash
on.

Every admin page goes through AdminSite.admin_view, so this is the one place the admin's
query parameters are read first: a date hierarchy (`<field>__year`, `__month`, `__day`)
before Django's ChangeList turns it into datetimes and a day after (an OverflowError at year
9999), and an id no database column holds before a filter or an add page's initial value
looks it up (an OverflowError on SQLite).
"""

from datetime import date
from functools import wraps

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.http import QueryDict

from config.forms import FIRST_DAY, LAST_DAY
from config.views import error_reply

# A 64-bit integer has at most 19 digits.
MAX_ID_DIGITS = 18


def huge_number_problem(query: QueryDict) -> tuple[str, str] | None:
    """(the parameter, why) for a whole number longer than any id; the search box is text."""
    for key, value in query.items():
        digits = value.removeprefix("-")
        if (
            key != SEARCH_VAR
            and digits.isascii()
            and digits.isdigit()
            and len(digits) > MAX_ID_DIGITS
        ):
            return key, f"{key}: give a number of at most {MAX_ID_DIGITS} digits."
    return None


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
            if problem := huge_number_problem(request.GET) or date_hierarchy_problem(request.GET):
                field, detail = problem
                return error_reply(request, 400, detail=detail, code="invalid_input", field=field)
            try:
                return checked(request, *args, **kwargs)
            except IncorrectLookupParameters:
                # A view other than the list itself (an export) read filters the list refuses.
                detail = "These filters are not valid: go back to the list."
                return error_reply(request, 400, detail=detail, code="invalid_input")

        return inner


class CheckedAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete select, showing nothing chosen for a value that is no id of the
    list (an add page's ?category=abc, or a refused form posted back): Django's own passes the
    value as typed to the database, a ValueError."""

    def optgroups(self, name, value, attr=None):
        target = self.field.remote_field.model._meta.get_field(self.field.remote_field.field_name)
        return super().optgroups(name, [v for v in value if _is_id(target, v)], attr)


def _is_id(field, value) -> bool:
    try:
        value = field.to_python(value)
    except ValidationError:
        return False
    return not isinstance(value, int) or abs(value) < 2**63
