"""Shared fixtures, and the rule for tests that need a real service.

Tests marked `postgres`, `redis` or `browser` run only where that service is
there; elsewhere they are skipped with the reason. With ORDERLY_REQUIRE_SERVICES
set (CI sets it), a missing service fails the test instead of skipping it.
"""

import os
import shutil
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from config.celery import app as celery_app

# Unit tests run tasks in-process; the end-to-end run uses a real worker.
celery_app.conf.update(task_always_eager=True, task_eager_propagates=True)

STRICT = os.environ.get("ORDERLY_REQUIRE_SERVICES", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(autouse=True, scope="session")
def _translations_compiled():
    """The German pages read the compiled catalogues (.mo, git-ignored, built from the .po in
    git by `make translations`): build them first when a .po is newer, as `make test` does."""
    root = Path(__file__).resolve().parents[1]
    stale = [
        po
        for po in root.glob("*/locale/*/LC_MESSAGES/django.po")
        if not po.with_suffix(".mo").exists()
        or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale and shutil.which("msgfmt"):
        call_command("compilemessages", ignore_patterns=[".venv"], verbosity=0)


@cache
def _redis_reachable() -> bool:
    if not settings.REDIS_URL:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def _browser_available() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return os.path.exists(CHROMIUM)


REQUIREMENTS = {
    "postgres": (
        lambda: connection.vendor == "postgresql",
        "needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/orderly",
    ),
    "redis": (_redis_reachable, "needs Redis: set REDIS_URL=redis://127.0.0.1:6379/1"),
    "browser": (
        _browser_available,
        f"needs Debian's chromium at {CHROMIUM} (apt-get install -y chromium) and playwright",
    ),
}


def pytest_runtest_setup(item):
    for marker in item.iter_markers():
        if marker.name not in REQUIREMENTS:
            continue
        available, reason = REQUIREMENTS[marker.name]
        if available():
            continue
        if STRICT:
            pytest.fail(f"{reason} (ORDERLY_REQUIRE_SERVICES is set: a skip here is a failure)")
        pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits, throttles and cached values never leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def real_worker_mode():
    """Tasks go to the broker (Redis where REDIS_URL is set) instead of running in-process;
    start one with celery.contrib.testing.worker.start_worker."""
    celery_app.conf.update(task_always_eager=False)
    yield
    celery_app.conf.update(task_always_eager=True)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded files (seed_demo's pictures too) go to a folder of the test's own, never into
    the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
