"""The machine's yardstick: the smallest Django site that answers, one view and
CommonMiddleware only, served by the same gunicorn as Orderly. Every figure in
bench/RESULTS.md is a ratio to this ping, measured in the same run.

    gunicorn --chdir bench/floor floor:application --workers 4
"""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-floor",
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=["django.middleware.common.CommonMiddleware"],
    INSTALLED_APPS=[],
)


def ping(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("ping", ping)]
application = get_wsgi_application()
