"""Real Celery workers (and beat, and gunicorn) as subprocesses on the test database, for the
drills: each is killed when the test ends, whatever happens."""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def service_env(**extra: str) -> dict[str, str]:
    """The environment of a subprocess: the test database (pytest-django's test_ name), the
    test's Redis db as cache and broker, MD5 passwords, and whatever `extra` sets."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    env.update(extra)
    return env


@contextmanager
def processes():
    """Start processes with start(args, env=..., log=...), output to the log file; each is
    SIGKILLed with its whole process group (gunicorn's workers too) when the block ends."""
    started: list[subprocess.Popen] = []

    def start(args: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen:
        with open(log, "ab") as out:
            proc = subprocess.Popen(
                args,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        started.append(proc)
        return proc

    try:
        yield start
    finally:
        for proc in started:
            kill(proc)


def kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def celery(*args: str) -> list[str]:
    return [sys.executable, "-m", "celery", "--app", "config", *args]


def worker_args(name: str, *, pool: str = "solo", concurrency: int = 1) -> list[str]:
    return celery(
        "worker",
        "--pool",
        pool,
        "--concurrency",
        str(concurrency),
        "--hostname",
        f"{name}@%h",
        "--without-gossip",
        "--without-mingle",
        "--loglevel",
        "WARNING",
    )


def wait_for(predicate, *, timeout: float = 60, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(interval)
