from django.urls import path
from rest_framework.routers import SimpleRouter

from orders.api.cart import CartItemViewSet, CartView, CheckoutPreviewView
from orders.api.catalogue import CategoryViewSet, ProductViewSet
from orders.api.daywork import StaffPrepView
from orders.api.delivery import DeliveryCheckView, DeliveryZoneViewSet
from orders.api.orders import OrderViewSet
from orders.api.payments import PaymentWebhookView
from orders.api.slots import SlotViewSet

router = SimpleRouter()
router.register("categories", CategoryViewSet, basename="category")
router.register("products", ProductViewSet, basename="product")
router.register("cart/items", CartItemViewSet, basename="cart-item")
router.register("slots", SlotViewSet, basename="slot")
router.register("orders", OrderViewSet, basename="order")
router.register("delivery/zones", DeliveryZoneViewSet, basename="delivery-zone")

urlpatterns = [
    path("cart/", CartView.as_view(), name="api-cart"),
    path("checkout/preview/", CheckoutPreviewView.as_view(), name="api-checkout-preview"),
    path(
        "payments/webhook/<str:provider>/",
        PaymentWebhookView.as_view(),
        name="api-payment-webhook",
    ),
    path("delivery/check/", DeliveryCheckView.as_view(), name="api-delivery-check"),
    path("staff/prep/", StaffPrepView.as_view(), name="api-staff-prep"),
    *router.urls,
]
