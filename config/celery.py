"""The Celery app, configured from Django's settings (the CELERY_ prefix).

The request id of the HTTP request that queues a task travels in the task's
headers and is restored in the worker, so a task's log lines carry the id of
the request that started it. django-guid's own Celery integration is not used
because it replaces the id when a task runs eagerly inside the request.
"""

import os

# Named before anything imports Django: `gunicorn config.wsgi` and `celery --app config`
# both import this module first (through config/__init__.py), and django-guid reads
# the settings as it is imported.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from celery import Celery
from celery.signals import before_task_publish, task_postrun, task_prerun, worker_init
from django_guid import clear_guid, get_guid, set_guid
from django_guid.utils import generate_guid

app = Celery("orderly")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

REQUEST_ID_HEADER = "request_id"


@before_task_publish.connect
def _send_request_id(headers, **kwargs):
    request_id = get_guid()
    if request_id:
        headers[REQUEST_ID_HEADER] = request_id


@task_prerun.connect
def _restore_request_id(task, **kwargs):
    if not task.request.is_eager:
        set_guid(task.request.get(REQUEST_ID_HEADER) or generate_guid())


@task_postrun.connect
def _forget_request_id(task, **kwargs):
    if not task.request.is_eager:
        clear_guid()


@worker_init.connect
def _trace_tasks(**kwargs):
    from config.observability import tracing_init

    tracing_init()  # before the pool forks: the span exporter restarts in each child


@task_postrun.connect
def _count_task(task, state=None, **kwargs):
    from config import metrics  # loads Django's settings, which are ready when tasks run

    metrics.task_counted(task=task.name, state=state or "UNKNOWN")


def task_queue(name: str, *args) -> None:
    """Queue the task registered as `name`, as its .delay() would (in-process where tasks
    run eagerly). Services queue tasks by name: importing a tasks module would make every
    page and API view that calls the service depend on the tasks surface."""
    app.tasks[name].delay(*args)
