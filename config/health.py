"""Health checks for the platform: /healthz (the process answers) and /readyz
(database, cache, broker and migrations are all fine)."""

import logging
import uuid

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from config.celery import app as celery_app
from config.views import RETRY_AFTER_SECONDS

logger = logging.getLogger(__name__)


class NotReady(Exception):
    """A check's own finding, safe to show."""


def _database():
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache():
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=5)
    if cache.get(key) != "ok":
        raise NotReady("the cache did not return what was stored")
    cache.delete(key)


def _broker():
    if celery_app.conf.broker_url.startswith("memory://"):
        return  # the embedded setup: tasks run in-process, there is no broker to reach
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def _migrations():
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise NotReady(f"{len(plan)} unapplied migration(s)")


CHECKS = {"database": _database, "cache": _cache, "broker": _broker, "migrations": _migrations}


class LivenessMiddleware:
    """Answer /healthz (the process answers) ahead of the rest of the stack: the platform
    asks often, from addresses and Host names of its own, and needs no session, no host
    check and no security headers to learn the process is alive."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz":
            return JsonResponse({"status": "ok"}, headers={"Cache-Control": "no-store"})
        return self.get_response(request)


@never_cache
def readyz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except NotReady as exc:
            results[name] = f"error: {exc}"
        except Exception as exc:  # any failure means "not ready", named below
            # Its text (hosts, users, paths) goes to the log, only its kind to the public.
            logger.warning("readyz: the %s check failed", name, exc_info=True)
            results[name] = f"error: {exc.__class__.__name__}"
        else:
            results[name] = "ok"
    failed = [name for name, result in results.items() if result != "ok"]
    return JsonResponse(
        {"status": "unavailable" if failed else "ok", "failed": failed, "checks": results},
        status=503 if failed else 200,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)} if failed else None,
    )
