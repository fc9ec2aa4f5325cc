from django.urls import path

from orders.views import (
    cart,
    catalogue,
    checkout,
    daywork,
    delivery,
    guest,
    orders,
    payments,
    staff,
)

urlpatterns = [
    path("", catalogue.home, name="home"),
    path("products/<slug:slug>/", catalogue.product_detail, name="product_detail"),
    path("cart/", cart.cart_page, name="cart"),
    path("cart/add/", cart.cart_add, name="cart_add"),
    path("cart/lines/<int:line_id>/", cart.cart_line_update, name="cart_line_update"),
    path("cart/lines/<int:line_id>/remove/", cart.cart_line_remove, name="cart_line_remove"),
    path("checkout/", checkout.checkout, name="checkout"),
    path("delivery/check/", delivery.delivery_check_page, name="delivery_check"),
    path("orders/", orders.order_history, name="order_list"),
    path("orders/<str:number>/", orders.order_detail, name="order_detail"),
    path("orders/<str:number>/cancel/", orders.order_cancel_view, name="order_cancel"),
    path("orders/<str:number>/pay/", payments.order_pay, name="order_pay"),
    path("guest/orders/<str:token>/", guest.guest_order, name="guest_order"),
    path("guest/orders/<str:token>/pay/", guest.guest_order_pay, name="guest_order_pay"),
    path("guest/orders/<str:token>/cancel/", guest.guest_order_cancel, name="guest_order_cancel"),
    path(
        "guest/orders/<str:token>/invoice/", guest.guest_order_invoice, name="guest_order_invoice"
    ),
    path("payments/sandbox/<str:reference>/", payments.sandbox_pay, name="sandbox_pay"),
    path("staff/board/", staff.board, name="staff_board"),
    path("staff/board/<str:number>/advance/", staff.board_advance, name="staff_board_advance"),
    path("staff/dashboard/", staff.dashboard, name="staff_dashboard"),
    path("staff/prep/", daywork.prep, name="staff_prep"),
    path("staff/orders/<str:number>/slip/", daywork.order_slip_view, name="staff_order_slip"),
    path("staff/slots/<int:slot_id>/slips/", daywork.slot_slips_view, name="staff_slot_slips"),
    path("staff/runs/", daywork.runs, name="staff_runs"),
]
