"""How services write a model row: validated by the model, never trusted from callers.

HackSoft's `model_update`: only the listed fields are written, each value goes
through the model's own validation (`full_clean` of the fields written), and a
failure is an InvalidInput naming the first field at fault, never a 500.
"""

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

from config.errors import InvalidInput

M = TypeVar("M", bound=models.Model)


def model_validate(instance: models.Model, *, fields: Iterable[str]) -> None:
    """Run the model's validation on `fields` (and the constraints that involve only them)."""
    fields = set(fields)
    exclude = [field.name for field in instance._meta.fields if field.name not in fields]
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise InvalidInput(
            messages[0], field=None if field == NON_FIELD_ERRORS else field
        ) from error


def model_update(*, instance: M, fields: Iterable[str], data: Mapping[str, Any]) -> M:
    """Set the listed `fields` present in `data`, validate them, and save only those.

    Other keys in `data` are ignored. On a validation error nothing is saved and the
    instance keeps its values.
    """
    written = [field for field in fields if field in data]
    if not written:
        return instance
    before = {field: getattr(instance, field) for field in written}
    for field in written:
        setattr(instance, field, data[field])
    try:
        model_validate(instance, fields=written)
    except InvalidInput:
        for field, value in before.items():
            setattr(instance, field, value)
        raise
    instance.save(update_fields=written)
    return instance
