"""Users of each role, and posting an admin change form as a browser would."""

from django import forms

from accounts.roles import CUSTOMER, MANAGER, STAFF
from accounts.services import user_role_assign
from tests.factories import UserFactory

ROLES = (CUSTOMER, STAFF, MANAGER)


def role_member(role: str, **kwargs):
    """A user of the role, as the demo accounts are: staff and managers may enter the admin."""
    user = UserFactory(is_staff=role != CUSTOMER, **kwargs)
    user_role_assign(user=user, role=role)
    return type(user).objects.get(pk=user.pk)


def _field_data(form) -> dict:
    data = {}
    for bound in form:
        value = bound.value()
        if value is None or value is False or hasattr(value, "field"):  # no file uploaded
            continue
        widget = bound.field.widget
        if isinstance(widget, forms.MultiWidget):  # a date and a time input, for instance
            parts = value if isinstance(value, list) else widget.decompress(value)
            data.update(
                zip((bound.html_name + n for n in widget.widgets_names), parts, strict=True)
            )
        else:
            data[bound.html_name] = "on" if value is True else value
    return data


def change_form_data(page, **changes) -> dict:
    """What the admin change page in `page` posts back unchanged, with `changes` applied."""
    data = _field_data(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(
            {f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()}
        )
        for form in formset.forms:
            data.update(_field_data(form))
    data.update(changes)
    return data
