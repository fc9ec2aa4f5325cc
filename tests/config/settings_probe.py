"""Read the settings a process would start with, for a given environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLEAN = ("REDIS_URL", "CACHE_URL", "CELERY_BROKER_URL", "DJANGO_ENV", "DEBUG")


def settings_of(env: dict[str, str], *names: str) -> subprocess.CompletedProcess:
    """Start Django with `env` (over a development environment) and print the settings
    `names` as JSON; returncode and stderr tell a refusal."""
    environment = {k: v for k, v in os.environ.items() if k not in CLEAN}
    environment |= {"DJANGO_SETTINGS_MODULE": "config.settings", **env}
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_values(env: dict[str, str], *names: str) -> dict:
    result = settings_of(env, *names)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
