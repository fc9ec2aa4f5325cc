"""Saving coupon edits; `uses` is a counter only checkout changes, never a form."""

from django.db import IntegrityError, transaction

from orders.errors import MaxUsesBelowUses
from orders.models import Coupon

COUPON_FIELDS = ["code", "kind", "value", "valid_from", "valid_until", "max_uses", "is_active"]


def coupon_max_uses_refusal(*, coupon_id: int, max_uses: int) -> str:
    """Why the coupon cannot take this maximum now (its uses), or "" when it can."""
    uses = Coupon.objects.filter(pk=coupon_id).values_list("uses", flat=True).first() or 0
    if max_uses < uses:
        return (
            f"The maximum number of uses cannot be below the {uses} time(s) the coupon has "
            "already been used."
        )
    return ""


def _refusal(coupon: Coupon) -> MaxUsesBelowUses:
    return MaxUsesBelowUses(
        coupon_max_uses_refusal(coupon_id=coupon.pk, max_uses=coupon.max_uses)
        or "The maximum number of uses cannot be below the coupon's uses."
    )


def coupon_save(*, coupon: Coupon) -> Coupon:
    """Create the coupon, or save its editable fields unless max_uses falls below its uses.

    The UPDATE compares with the uses count as it is when it runs, so a checkout using the
    coupon at the same moment is never lost and the database constraint is never hit.
    """
    if coupon.pk is None:
        coupon.uses = 0
        coupon.save()
        return coupon
    try:
        with transaction.atomic():
            updated = Coupon.objects.filter(pk=coupon.pk, uses__lte=coupon.max_uses).update(
                **{field: getattr(coupon, field) for field in COUPON_FIELDS}
            )
    except IntegrityError as error:  # the constraint as a backstop: still a refusal, not a 500
        raise _refusal(coupon) from error
    if not updated:
        raise _refusal(coupon)
    coupon.uses = Coupon.objects.filter(pk=coupon.pk).values_list("uses", flat=True).get()
    return coupon
