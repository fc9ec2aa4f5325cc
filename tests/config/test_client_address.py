"""The client's address, for throttles and rate limits, comes from TRUSTED_PROXY_COUNT:
a client cannot choose its own with X-Forwarded-For."""

import pytest
from allauth.core.internal.httpkit import get_client_ip
from django.conf import settings as project
from django.test import RequestFactory

from config.throttling import AnonThrottle


def _request():
    return RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )


def _with_proxies(settings, count):
    settings.REST_FRAMEWORK = {**project.REST_FRAMEWORK, "NUM_PROXIES": count}
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = count


def test_one_setting_feeds_the_api_throttle_and_the_sign_in_rate_limits():
    assert project.TRUSTED_PROXY_COUNT == 0
    assert project.REST_FRAMEWORK["NUM_PROXIES"] == project.TRUSTED_PROXY_COUNT
    assert project.ALLAUTH_TRUSTED_PROXY_COUNT == project.TRUSTED_PROXY_COUNT


def test_with_no_trusted_proxy_a_forged_x_forwarded_for_changes_nothing(settings):
    _with_proxies(settings, 0)
    assert AnonThrottle().get_ident(_request()) == "10.0.0.1"
    assert get_client_ip(_request()) == "10.0.0.1"


def test_behind_one_proxy_the_address_it_saw_is_the_client(settings):
    _with_proxies(settings, 1)
    assert AnonThrottle().get_ident(_request()) == "203.0.113.7"
    assert get_client_ip(_request()) == "203.0.113.7"


@pytest.mark.django_db
def test_a_forged_x_forwarded_for_does_not_move_a_client_to_another_throttle_bucket(
    client, settings
):
    settings.REST_FRAMEWORK = {
        **project.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "2/min"},
    }
    client.get("/api/v1/products/", HTTP_X_FORWARDED_FOR="198.51.100.1")
    client.get("/api/v1/products/", HTTP_X_FORWARDED_FOR="198.51.100.2")
    third = client.get("/api/v1/products/", HTTP_X_FORWARDED_FOR="198.51.100.3")
    assert third.status_code == 429
