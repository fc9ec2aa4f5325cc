"""EMAIL_URL as the README documents it, read in a fresh process as the platform starts one."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _settings_in_a_new_process(**env) -> str:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.EMAIL_BACKEND, s.EMAIL_FILE_PATH, s.CELERY_WORKER_HIJACK_ROOT_LOGGER)",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_filemail_with_three_slashes_writes_to_an_absolute_folder_and_celery_keeps_our_logs():
    backend, folder, hijack = _settings_in_a_new_process(
        EMAIL_URL="filemail:///var/tmp/orderly-mail"
    ).split()
    assert backend == "django.core.mail.backends.filebased.EmailBackend"
    assert folder == "/var/tmp/orderly-mail"
    assert hijack == "False"
