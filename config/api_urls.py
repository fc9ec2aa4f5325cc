"""Everything under /api/v1/: the schema, its docs, and each app's API."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.http import HttpResponse
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView


class DocsView(SpectacularSwaggerSplitView):
    def options(self, request, *args, **kwargs):
        """The allowed methods, with no body: DRF would render its description of the view
        into the page's template, which has no place for it."""
        return HttpResponse(headers={"Allow": ", ".join(self.allowed_methods)})


# Swagger UI sets inline styles as it renders; this page alone allows them.
docs = csp_update({"style-src": [UNSAFE_INLINE]})(DocsView.as_view(url_name="schema"))

# allauth serves the spec of its headless sign-in API; this shows it with the same Swagger UI.
sign_in_docs = csp_update({"style-src": [UNSAFE_INLINE]})(
    DocsView.as_view(url="/_allauth/openapi.json")
)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs, name="api-docs"),
    path("docs/sign-in/", sign_in_docs, name="api-docs-sign-in"),
    path("", include("accounts.api_urls")),
    path("", include("orders.api.urls")),
    path("", include("notifications.api_urls")),
]
