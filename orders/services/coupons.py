"""Saving coupon edits; `uses` is a counter only checkout (and a release) changes, never a form.
Whether a coupon can be used once more, for checkout and for its preview."""

from datetime import datetime

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.errors import CouponExhausted, CouponInvalid, MaxUsesBelowUses
from orders.models import Coupon, Order
from orders.services.counters import counter_guarded_save


def coupon_usable(*, coupon: Coupon | None, code: str, now: datetime) -> Coupon:
    """The coupon `code` named, if it can be used once more now; else raise why not."""
    if coupon is None or not coupon.is_active:
        raise CouponInvalid(_("The coupon %(code)s does not exist.") % {"code": code})
    if coupon.valid_from and now < coupon.valid_from:
        raise CouponInvalid(_("The coupon %(code)s is not valid yet.") % {"code": coupon.code})
    if coupon.valid_until and now > coupon.valid_until:
        raise CouponInvalid(_("The coupon %(code)s has expired.") % {"code": coupon.code})
    if coupon.uses >= coupon.max_uses:
        raise CouponExhausted(_("The coupon %(code)s has been used up.") % {"code": coupon.code})
    return coupon


def coupon_preview(*, code: str, now: datetime | None = None) -> Coupon:
    """The coupon a checkout would apply, unlocked and unused (checkout checks again)."""
    coupon = Coupon.objects.filter(code__iexact=code.strip()).first()
    return coupon_usable(coupon=coupon, code=code.strip(), now=now or timezone.now())


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
    """Create the coupon, or save its editable fields unless max_uses falls below its uses."""
    return counter_guarded_save(
        obj=coupon,
        fields=COUPON_FIELDS,
        counter="uses",
        limit="max_uses",
        refusal=lambda: _refusal(coupon),
    )


def coupon_use_give_back(*, order: Order) -> None:
    """A cancelled or expired order gives its coupon use back.

    Called only by the move to cancelled or expired, with the order locked, in the
    transaction that gives back its stock and slot place: an order makes that move once, so
    its use comes back once. The coupon's row is taken last, after products and slot, as
    checkout takes them.
    """
    if order.coupon_id is not None:
        Coupon.objects.filter(pk=order.coupon_id, uses__gt=0).update(uses=F("uses") - 1)
