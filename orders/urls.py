from django.urls import path

from orders.views import catalogue

urlpatterns = [
    path("", catalogue.home, name="home"),
]
