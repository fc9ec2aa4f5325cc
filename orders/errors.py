"""The business errors of the orders app, raised by orders.services."""

from config.errors import ApplicationError, Conflict, NotFound


class ProductUnavailable(ApplicationError):
    """The product does not exist or is not for sale (inactive)."""

    default_code = "product_unavailable"

    def __init__(self, message: str = "This product is not available.", **kwargs):
        kwargs.setdefault("field", "product")
        super().__init__(message, **kwargs)


class QuantityInvalid(ApplicationError):
    """A cart quantity outside 1..MAX_LINE_QUANTITY, or not a whole number."""

    default_code = "quantity_invalid"

    def __init__(self, message: str, **kwargs):
        kwargs.setdefault("field", "quantity")
        super().__init__(message, **kwargs)


class CartLineNotFound(NotFound):
    """No such line in this cart; another customer's line looks the same as a missing one."""

    default_code = "cart_line_not_found"

    def __init__(self, message: str = "No such line in your cart.", **kwargs):
        kwargs.setdefault("field", "id")
        super().__init__(message, **kwargs)


class CartGone(Conflict):
    """The cart was merged into another (its owner signed in) while this request ran."""

    default_code = "cart_gone"

    def __init__(self, message: str = "Your cart has changed: please reload it.", **kwargs):
        kwargs.setdefault("field", "cart")
        super().__init__(message, **kwargs)


# --- Checkout, slots, coupons and orders -------------------------------------
# 400: the request itself is wrong (fix it and retry); 409: the shop's state refuses it
# right now (stock, slot places, coupon uses, open orders, the order's status).


class EmptyCart(ApplicationError):
    default_code = "cart_empty"

    def __init__(self, message: str = "Your cart is empty.", **kwargs):
        kwargs.setdefault("field", "cart")
        super().__init__(message, **kwargs)


class OutOfStock(Conflict):
    """One or more cart lines cannot be sold; the message names every product at fault."""

    default_code = "out_of_stock"

    def __init__(self, message: str, **kwargs):
        kwargs.setdefault("field", "lines")
        super().__init__(message, **kwargs)


class SlotUnavailable(ApplicationError):
    """No such slot, or it has started, or it is of the wrong kind."""

    default_code = "slot_unavailable"

    def __init__(self, message: str, **kwargs):
        kwargs.setdefault("field", "slot")
        super().__init__(message, **kwargs)


class SlotFull(Conflict):
    default_code = "slot_full"

    def __init__(
        self, message: str = "This slot is fully booked: please choose another.", **kwargs
    ):
        kwargs.setdefault("field", "slot")
        super().__init__(message, **kwargs)


class AddressInvalid(ApplicationError):
    """Delivery needs one of the customer's own addresses; pickup takes none."""

    default_code = "address_invalid"

    def __init__(self, message: str, **kwargs):
        kwargs.setdefault("field", "address")
        super().__init__(message, **kwargs)


class CouponInvalid(ApplicationError):
    """Unknown, inactive, not yet valid or expired coupon code."""

    default_code = "coupon_invalid"

    def __init__(self, message: str, **kwargs):
        kwargs.setdefault("field", "coupon")
        super().__init__(message, **kwargs)


class CouponExhausted(Conflict):
    default_code = "coupon_exhausted"

    def __init__(self, message: str, **kwargs):
        kwargs.setdefault("field", "coupon")
        super().__init__(message, **kwargs)


class TooManyOpenOrders(Conflict):
    default_code = "too_many_open_orders"


class IdempotencyKeyInvalid(ApplicationError):
    default_code = "idempotency_key_invalid"

    def __init__(self, message: str, **kwargs):
        kwargs.setdefault("field", "Idempotency-Key")
        super().__init__(message, **kwargs)


class IdempotencyKeyReused(Conflict):
    """The key was already used for a checkout with a different slot, address or coupon."""

    default_code = "idempotency_key_reused"

    def __init__(self, message: str, **kwargs):
        kwargs.setdefault("field", "Idempotency-Key")
        super().__init__(message, **kwargs)


class TransitionNotAllowed(Conflict):
    default_code = "transition_not_allowed"

    def __init__(self, message: str, **kwargs):
        kwargs.setdefault("field", "to")
        super().__init__(message, **kwargs)


class CancelNotAllowed(Conflict):
    default_code = "cancel_not_allowed"


# --- Staff: stock, slot capacity, coupon uses, the board -----------------------


class StockAdjustmentInvalid(ApplicationError):
    """A zero change, or one that would take the stock below zero."""

    default_code = "stock_adjustment_invalid"

    def __init__(self, message: str, **kwargs):
        kwargs.setdefault("field", "delta")
        super().__init__(message, **kwargs)


class CapacityBelowBookings(Conflict):
    default_code = "capacity_below_bookings"

    def __init__(self, message: str, **kwargs):
        kwargs.setdefault("field", "capacity")
        super().__init__(message, **kwargs)


class MaxUsesBelowUses(Conflict):
    default_code = "max_uses_below_uses"

    def __init__(self, message: str, **kwargs):
        kwargs.setdefault("field", "max_uses")
        super().__init__(message, **kwargs)


class OrderMovedOn(Conflict):
    """The order is no longer in the status the click was made in (someone else moved it)."""

    default_code = "order_moved_on"

    def __init__(self, message: str, **kwargs):
        kwargs.setdefault("field", "from_status")
        super().__init__(message, **kwargs)
