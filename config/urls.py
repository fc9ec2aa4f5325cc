from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from config import health, metrics, views

# Admin sign-in is the shop's own (allauth): two-factor and rate limits apply there too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = f"{settings.SHOP_NAME} admin"
admin.site.site_title = f"{settings.SHOP_NAME} admin"
admin.site.index_title = "Run the shop"
admin.site.enable_nav_sidebar = False  # the lists need the width at 1280 px

urlpatterns = [
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    # The language switcher: Django's set_language, keeping a signed-in customer's choice.
    path("i18n/", include("accounts.i18n_urls")),
    # allauth's page for its spec loads Redoc from a CDN; our docs page shows the spec instead.
    path("_allauth/openapi.html", RedirectView.as_view(url="/api/v1/docs/sign-in/")),
    # allauth's headless API always routes its phone endpoints, whose views fail without
    # phone sign-in configured; the shop has none.
    re_path(r"^_allauth/(app|browser)/v1/(account/phone|auth/phone/.*)$", views.not_here),
    path("_allauth/", include("allauth.headless.urls")),
    path("api/v1/", include("config.api_urls")),
    path("account/", include("accounts.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("orders.urls")),
    # Uploaded pictures on the local disk, under DEBUG only (nothing in production, where
    # they are in a bucket, or behind a web server of one's own with MEDIA_STORAGE=local).
    *static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT),
]

handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
