"""The one rule for editing a row that carries a counter only the shop changes (a slot's
places taken, a coupon's uses): the counter is never written back from a form, and a
limit below it is refused."""

from collections.abc import Callable

from django.db import IntegrityError, models, transaction

from config.errors import ApplicationError


def counter_guarded_save(
    *,
    obj: models.Model,
    fields: list[str],
    counter: str,
    limit: str,
    refusal: Callable[[], ApplicationError],
) -> models.Model:
    """Create `obj` with its counter at 0, or save its `fields` unless `limit` falls below
    the counter. The UPDATE compares with the counter as it is when it runs, so a checkout
    changing it at the same moment is never lost and the database constraint is never what
    refuses; should it be, that is still `refusal()`, not a 500."""
    model = type(obj)
    if obj.pk is None:
        setattr(obj, counter, 0)
        obj.save()
        return obj
    try:
        with transaction.atomic():
            updated = model.objects.filter(
                pk=obj.pk, **{f"{counter}__lte": getattr(obj, limit)}
            ).update(**{field: getattr(obj, field) for field in fields})
    except IntegrityError as error:
        raise refusal() from error
    if not updated:
        raise refusal()
    setattr(obj, counter, model.objects.filter(pk=obj.pk).values_list(counter, flat=True).get())
    return obj
