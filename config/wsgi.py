import os

from django.core.wsgi import get_wsgi_application

from config.observability import tracing_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Before the application loads its middleware: tracing adds its own (when it is on).
tracing_init()
application = get_wsgi_application()
