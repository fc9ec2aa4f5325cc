"""/i18n/setlang/: Django's set_language (django.conf.urls.i18n), keeping a signed-in
customer's choice on their profile."""

from django.urls import path

from accounts.views import language_set

urlpatterns = [path("setlang/", language_set, name="set_language")]
