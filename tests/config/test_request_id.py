import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from celery import shared_task
from celery.contrib.testing.worker import start_worker
from django_guid import get_guid, set_guid

from config.celery import app as celery_app
from tests.config.production import production_services

ROOT = Path(__file__).resolve().parents[2]

seen_request_ids: list = []


@shared_task(name="tests.remember_request_id")
def remember_request_id():
    seen_request_ids.append(get_guid())


@pytest.mark.django_db
def test_the_request_id_sent_is_echoed_back(client):
    request_id = uuid.uuid4().hex
    response = client.get("/healthz", HTTP_X_REQUEST_ID=request_id)
    assert response["X-Request-ID"] == request_id


@pytest.mark.django_db
def test_a_request_without_a_valid_id_gets_a_generated_one(client):
    first = client.get("/healthz", HTTP_X_REQUEST_ID="not a uuid\r\n")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and len(second) == 32
    assert first != second


def test_production_logs_are_json_lines_carrying_the_request_id():
    request_id = uuid.uuid4().hex
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        f"Client().get('/api/v1/no-such-thing/', HTTP_X_REQUEST_ID='{request_id}', secure=True)"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "LOG_FORMAT"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_ENV="production",
        SECRET_KEY="test-only-secret-key-that-is-long-enough-to-pass-1234567890",
        ALLOWED_HOSTS="testserver",
        **production_services(),
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    not_found = [line for line in lines if line["message"] == "Not Found: /api/v1/no-such-thing/"]
    assert not_found, result.stderr
    assert not_found[0]["request_id"] == request_id
    assert not_found[0]["level"] == "WARNING"
    assert not_found[0]["logger"] == "django.request"


def test_a_task_queued_during_a_request_runs_with_that_request_id(real_worker_mode):
    seen_request_ids.clear()
    request_id = uuid.uuid4().hex
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        set_guid(request_id)
        remember_request_id.delay()
        set_guid(None)
        for _ in range(100):
            if seen_request_ids:
                break
            __import__("time").sleep(0.05)
    assert seen_request_ids == [request_id]


def test_a_task_run_eagerly_keeps_the_request_id():
    seen_request_ids.clear()
    set_guid("a" * 32)
    remember_request_id.delay()
    assert seen_request_ids == ["a" * 32]
    assert get_guid() == "a" * 32
    set_guid(None)
