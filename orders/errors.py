"""The business errors of the orders app, raised by orders.services.

400: the request itself is wrong (fix it and retry); 409: the shop's state refuses it
right now (stock, slot places, coupon uses, open orders, the order's status).
"""

from django.utils.translation import gettext_lazy as _

from config.errors import ApplicationError, Conflict, NotFound


class ProductUnavailable(ApplicationError):
    """The product does not exist or is not for sale (inactive)."""

    default_code, default_field = "product_unavailable", "product"
    default_message = _("This product is not available.")


class QuantityInvalid(ApplicationError):
    """A cart quantity outside 1..MAX_LINE_QUANTITY, or not a whole number."""

    default_code, default_field = "quantity_invalid", "quantity"


class NotEnoughStock(Conflict):
    """The cart would hold more of a product than is left; nothing was added."""

    default_code, default_field = "not_enough_stock", "quantity"


class CartLineNotFound(NotFound):
    """No such line in this cart; another customer's line looks the same as a missing one."""

    default_code, default_field = "cart_line_not_found", "id"
    default_message = _("No such line in your cart.")


class CartGone(Conflict):
    """The cart was merged into another (its owner signed in) while this request ran."""

    default_code, default_field = "cart_gone", "cart"
    default_message = _("Your cart has changed: please reload it.")


class EmptyCart(ApplicationError):
    default_code, default_field = "cart_empty", "cart"
    default_message = _("Your cart is empty.")


class OutOfStock(Conflict):
    """One or more cart lines cannot be sold; the message names every product at fault."""

    default_code, default_field = "out_of_stock", "lines"


class SlotUnavailable(ApplicationError):
    """No such slot, or it has started, or it is of the wrong kind."""

    default_code, default_field = "slot_unavailable", "slot"


class SlotFull(Conflict):
    default_code, default_field = "slot_full", "slot"
    default_message = _("This slot is fully booked: please choose another.")


class AddressInvalid(ApplicationError):
    """Delivery needs one of the customer's own addresses; pickup takes none."""

    default_code, default_field = "address_invalid", "address"


class CouponInvalid(ApplicationError):
    """Unknown, inactive, not yet valid or expired coupon code."""

    default_code, default_field = "coupon_invalid", "coupon"


class CouponExhausted(Conflict):
    default_code, default_field = "coupon_exhausted", "coupon"


class TooManyOpenOrders(Conflict):
    default_code = "too_many_open_orders"


class IdempotencyKeyInvalid(ApplicationError):
    default_code, default_field = "idempotency_key_invalid", "Idempotency-Key"


class IdempotencyKeyReused(Conflict):
    """The key was already used for a checkout with a different slot, address or coupon."""

    default_code, default_field = "idempotency_key_reused", "Idempotency-Key"


class OrderNotFound(NotFound):
    """The order does not exist, or the asker may not see it (a stranger learns nothing)."""

    default_code, default_field = "not_found", "number"
    default_message = _("No such order.")


class TransitionNotAllowed(Conflict):
    default_code, default_field = "transition_not_allowed", "to"


class CancelNotAllowed(Conflict):
    default_code = "cancel_not_allowed"


# --- Payments -----------------------------------------------------------------


class PaymentNotAllowed(Conflict):
    """The order is not waiting for payment (paid already, cancelled, expired)."""

    default_code, default_field = "payment_not_allowed", "status"


class PaymentProviderUnknown(NotFound):
    default_code, default_field = "payment_provider_unknown", "provider"
    default_message = _("There is no such payment provider.")


class WebhookInvalid(ApplicationError):
    """A webhook whose signature, timestamp or body cannot be trusted; nothing was applied."""

    default_code, default_field = "webhook_invalid", "signature"


class PaymentProviderUnavailable(ApplicationError):
    """The provider could not be reached or refused the call; try again later."""

    status_code, default_code = 503, "payment_provider_unavailable"


class RefundNotAllowed(Conflict):
    default_code, default_field = "refund_not_allowed", "payment"


class RefundInvalid(ApplicationError):
    """More than is left of the payment, or a line (or quantity) the order cannot give back."""

    default_code, default_field = "refund_invalid", "amount"


# --- Staff: stock, slot capacity, coupon uses, the board -----------------------


class StockAdjustmentInvalid(ApplicationError):
    """A zero change, or one that would take the stock below zero."""

    default_code, default_field = "stock_adjustment_invalid", "delta"


class CapacityBelowBookings(Conflict):
    default_code, default_field = "capacity_below_bookings", "capacity"


class MaxUsesBelowUses(Conflict):
    default_code, default_field = "max_uses_below_uses", "max_uses"


class OrderMovedOn(Conflict):
    """The order is no longer in the status the click was made in (someone else moved it)."""

    default_code, default_field = "order_moved_on", "from_status"


# --- Product pictures ------------------------------------------------------------


class ImageInvalid(ApplicationError):
    """An upload that is not a JPEG, PNG or WebP picture within the limits; nothing was kept."""

    default_code, default_field = "image_invalid", "image"


class StorageUnavailable(ApplicationError):
    """The file storage (the bucket) could not be reached or refused the file; try again."""

    status_code, default_code, default_field = 503, "storage_unavailable", "image"
    default_message = _("Pictures cannot be stored just now: please try again in a minute.")


# --- Options, messages and notes -------------------------------------------------


class OptionsInvalid(ApplicationError):
    """A choice of another product, a required group left out, two choices in one group."""

    default_code, default_field = "options_invalid", "options"


class MessageInvalid(ApplicationError):
    """A message on a product that takes none, too long, or with control characters."""

    default_code, default_field = "message_invalid", "message"


class NoteInvalid(ApplicationError):
    default_code, default_field = "note_invalid", "note"


# --- Delivery areas -----------------------------------------------------------


class NotDeliverable(ApplicationError):
    """No active delivery zone covers the address's postcode."""

    default_code, default_field = "not_deliverable", "address"


class BelowMinimum(ApplicationError):
    """The goods (after the coupon) come to less than the delivery zone's minimum order."""

    default_code, default_field = "below_minimum", "cart"


class PostcodeInvalid(ApplicationError):
    default_code, default_field = "postcode_invalid", "postcode"


class DeliveryRulesInvalid(ApplicationError):
    default_code, default_field = "rules_invalid", "rules"


class GuestCheckoutOff(ApplicationError):
    """Checking out without an account is off (GUEST_CHECKOUT): the API answers 401."""

    status_code, default_code = 401, "not_authenticated"


class GuestDetailsInvalid(ApplicationError):
    """A guest's email, name, phone or address fails the rules an account's would."""

    default_code, default_field = "guest_invalid", "guest"


# --- Food information -----------------------------------------------------------


class AllergenInfoMissing(Conflict):
    """The shop sells nothing whose allergens are unknown (SELL_WITHOUT_ALLERGEN_INFO off),
    and this product's are; the message names every such product."""

    default_code, default_field = "allergen_info_missing", "product"
