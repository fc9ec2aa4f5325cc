"""`honcho start` on the Procfile: worker and beat wait for the release's migrations instead
of crashing on missing tables (which stops every process, the migration included)."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]


def _procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


@pytest.mark.parametrize("process", ["worker", "beat"])
def test_worker_and_beat_wait_for_the_migrations_before_celery_starts(process):
    command = _procfile()[process]
    assert command.startswith("python manage.py wait_for_migrations && ")
    assert command.index("wait_for_migrations") < command.index("celery")


@pytest.mark.django_db
def test_waiting_ends_at_once_on_a_migrated_database(capsys):
    call_command("wait_for_migrations", timeout=5)
    assert capsys.readouterr().err == ""


def _wait(database: Path, timeout: str) -> subprocess.CompletedProcess:
    environment = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    return subprocess.run(
        [
            sys.executable,
            "manage.py",
            "wait_for_migrations",
            "--timeout",
            timeout,
            "--interval",
            "0.2",
        ],
        cwd=ROOT,
        env=environment | {"DATABASE_URL": f"sqlite:///{database}"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_unmigrated_database_is_waited_for_then_given_up_on_naming_why(tmp_path):
    database = tmp_path / "fresh.sqlite3"
    sqlite3.connect(database).close()

    result = _wait(database, "1")

    assert result.returncode == 1
    assert "Waiting:" in result.stderr
    assert "migration(s) not applied yet" in result.stderr
    assert "Gave up after 1 s" in result.stderr


def test_the_command_refuses_to_wait_forever_in_process(monkeypatch):
    from notifications.management.commands import wait_for_migrations

    monkeypatch.setattr(wait_for_migrations, "unapplied_migrations", lambda: ["orders.0099_x"])
    with pytest.raises(CommandError, match="0099_x"):
        call_command("wait_for_migrations", timeout=0.3, interval=0.1)
