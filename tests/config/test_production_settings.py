"""Production will not start half-configured, and names what is missing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMPLETE = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DJANGO_ENV": "production",
    "SECRET_KEY": "a-long-random-production-secret-for-this-test-only",
    "ALLOWED_HOSTS": "shop.example.com",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/orderly",
    "REDIS_URL": "redis://127.0.0.1:6379/1",
    "EMAIL_URL": "smtp://localhost:25",
    "SITE_URL": "https://shop.example.com",
    "PAYMENT_PROVIDER": "sandbox",
    "ALLOW_SANDBOX_PAYMENTS": "true",
    "MEDIA_STORAGE": "local",
}


def _start(**changes):
    environment = {k: v for k, v in os.environ.items() if k not in COMPLETE} | COMPLETE
    environment = {k: v for k, v in (environment | changes).items() if v is not None}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_starts_when_every_service_is_configured():
    result = _start()
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"DATABASE_URL": None}, "DATABASE_URL"),
        ({"DATABASE_URL": "sqlite:///db.sqlite3"}, "DATABASE_URL"),
        ({"REDIS_URL": None}, "REDIS_URL"),
        ({"CELERY_TASK_ALWAYS_EAGER": "true"}, "REDIS_URL"),
        ({"EMAIL_URL": None}, "EMAIL_URL"),
        ({"EMAIL_URL": "consolemail://"}, "EMAIL_URL"),
        ({"SECRET_KEY": None}, "SECRET_KEY"),
        ({"SITE_URL": None}, "SITE_URL"),
        ({"PAYMENT_PROVIDER": None, "ALLOW_SANDBOX_PAYMENTS": None}, "PAYMENT_PROVIDER"),
        ({"PAYMENT_PROVIDER": None}, "PAYMENT_PROVIDER"),
        ({"ALLOW_SANDBOX_PAYMENTS": None}, "ALLOW_SANDBOX_PAYMENTS"),
        ({"ALLOW_SANDBOX_PAYMENTS": "false"}, "ALLOW_SANDBOX_PAYMENTS"),
        ({"MEDIA_STORAGE": None}, "MEDIA_STORAGE"),
        ({"MEDIA_STORAGE": "ftp"}, "MEDIA_STORAGE"),
        ({"MEDIA_STORAGE": "s3"}, "AWS_STORAGE_BUCKET_NAME"),
    ],
)
def test_production_refuses_an_embedded_default_naming_it(changes, named):
    result = _start(**changes)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr.strip().splitlines()[-1]


def test_production_refuses_local_media_unless_told_and_says_why():
    result = _start(MEDIA_STORAGE=None)

    assert "a PaaS wipes local disk at every deploy" in result.stderr


def test_production_keeps_pictures_in_a_bucket_and_lets_pages_load_them_from_it():
    bucket = {
        "MEDIA_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": "shop-pictures",
        "AWS_S3_CUSTOM_DOMAIN": "pictures.example.com",
    }
    show = (
        "import django; django.setup(); from django.conf import settings; "
        "from django.core.files.storage import storages; s = storages['default']; "
        "print(type(s).__name__, s.url('products/a.jpg'), "
        "settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'][-1], "
        "s.client_config.connect_timeout, s.client_config.read_timeout)"
    )
    environment = {k: v for k, v in os.environ.items() if k not in COMPLETE} | COMPLETE | bucket
    result = subprocess.run(
        [sys.executable, "-c", show],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "S3Storage",
        "https://pictures.example.com/products/a.jpg",
        "https://pictures.example.com",
        "3",
        "10",
    ]
