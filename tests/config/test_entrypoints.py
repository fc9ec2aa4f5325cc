"""The Procfile's processes start from a bare environment, as a platform runs them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.config.production import production_services

ROOT = Path(__file__).resolve().parents[2]


def _bare_production_env():
    dropped = {"DJANGO_SETTINGS_MODULE", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY="entrypoint-test-secret-key-long-enough-to-be-realistic-123",
        ALLOWED_HOSTS="shop.example.com",
        **production_services(),
    )
    return env


@pytest.mark.parametrize(
    "statement",
    [
        "import config.wsgi; assert callable(config.wsgi.application)",
        "from config import celery_app; assert celery_app.main == 'orderly'",
    ],
    ids=["web: gunicorn config.wsgi", "worker and beat: celery --app config"],
)
def test_a_process_starts_without_django_settings_module_set(statement):
    result = subprocess.run(
        [sys.executable, "-c", statement],
        cwd=ROOT,
        env=_bare_production_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
