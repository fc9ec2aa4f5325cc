"""SHOP_CURRENCY is an ISO 4217 code (payment providers take amounts in its minor units)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _start(currency: str) -> subprocess.CompletedProcess:
    environment = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SHOP_CURRENCY": currency,
    }
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("currency", ["POUNDS", "XYZ", "gbp"])
def test_a_currency_that_is_not_an_iso_4217_code_stops_the_start_naming_it(currency):
    result = _start(currency)
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last
    assert f"SHOP_CURRENCY={currency!r} is not an ISO 4217 currency code" in last


def test_a_currency_without_minor_units_starts():
    assert _start("JPY").returncode == 0
