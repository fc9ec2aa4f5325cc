import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.config.production import production_services
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


def _production_env(**extra):
    dropped = {"SECRET_KEY", "DEBUG", "DJANGO_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        DJANGO_ENV="production",
        ALLOWED_HOSTS="shop.example.com",
        **{**production_services(), **extra},
    )
    return env


@pytest.mark.django_db
def test_pages_carry_the_security_headers(client):
    response = client.get("/", secure=True)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp


@pytest.mark.django_db
def test_forms_are_protected_by_csrf(client):
    client.handler.enforce_csrf_checks = True
    response = client.post("/accounts/login/", {"login": "a@example.com", "password": "x"})
    assert response.status_code == 403


def test_templates_have_no_inline_script_or_style():
    """The CSP forbids them, so a browser would silently ignore them. Emails are the
    exception: mail clients read no stylesheet, so their HTML carries its styles inline."""
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        if path.name.startswith("email"):
            continue
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\sstyle=", text):
            offenders.append(str(path.relative_to(ROOT)))
        if re.search(r"<style[\s>]", text) or re.search(r"\son[a-z]+=", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2():
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    user = UserFactory()
    assert user.password.startswith("argon2")


def test_production_start_without_secret_key_fails_clearly():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(SECRET_KEY="k" * 20 + "-a-long-and-random-production-key-9f8e7d"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
