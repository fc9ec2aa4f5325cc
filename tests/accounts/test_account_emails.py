"""allauth's emails speak for the shop: its name, and links to its one public address."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.accounts.helpers import STRONG_PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def public_address(settings):
    settings.SITE_URL = "https://shop.example.com"
    settings.SHOP_NAME = "Crumb & Co"
    settings.ALLOWED_HOSTS = ["*"]


def test_the_signup_email_greets_from_the_shop_not_the_host(client, mailoutbox, public_address):
    client.post(
        "/accounts/signup/",
        {"email": "ada@example.com", "password1": STRONG_PASSWORD, "password2": STRONG_PASSWORD},
        HTTP_HOST="127.0.0.1:8001",
    )

    body = mailoutbox[-1].body
    assert "Hello from Crumb & Co!" in body
    assert "127.0.0.1:8001" not in body
    assert mailoutbox[-1].subject.startswith("[Crumb & Co] ")


def test_the_password_reset_link_points_at_the_public_address(client, mailoutbox, public_address):
    UserFactory(email="forgot@example.com")

    client.post(
        "/accounts/password/reset/", {"email": "forgot@example.com"}, HTTP_HOST="10.0.0.7:8000"
    )

    body = mailoutbox[-1].body
    assert "https://shop.example.com/accounts/password/reset/key/" in body
    assert "10.0.0.7" not in body


def _site_url(**environment) -> str:
    keep = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "HOST", "PORT"}}
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SITE_URL)"],
        cwd=ROOT,
        env=keep | {"DJANGO_SETTINGS_MODULE": "config.settings"} | environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_make_run_on_another_port_links_to_that_port():
    assert _site_url() == "http://127.0.0.1:8000"
    assert _site_url(PORT="8001") == "http://127.0.0.1:8001"
    assert _site_url(PORT="8001", SITE_URL="https://shop.example.com/") == (
        "https://shop.example.com"
    )
