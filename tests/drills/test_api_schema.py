"""Schemathesis against our own OpenAPI schema, signed in as a verified customer: every
operation with every check, then the stateful phase along the links it infers between them.

Through the WSGI app in this process, no network. Derandomised, so CI sees the same cases.
"""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from werkzeug.test import Client as WsgiClient

from config.wsgi import application
from orders.models import Slot
from tests.factories import (
    PASSWORD,
    CartFactory,
    CartLineFactory,
    ProductFactory,
    SlotFactory,
    UserFactory,
)

pytestmark = pytest.mark.postgres

APP_LOGIN = "/_allauth/app/v1/auth/login"
FAST = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    # One signed-in customer per operation, whose cart and orders its examples share.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def customer_token() -> str:
    """A verified customer with something in the cart and slots to book, signed in through
    allauth's app API; its session token is what the schema's security names."""
    cache.clear()  # allauth's sign-in rate limit counts every customer the run signs in
    user = UserFactory()
    CartLineFactory(cart=CartFactory(user=user), product=ProductFactory(stock=20), quantity=1)
    # Through the WSGI app as schemathesis calls it: Django's test client would reconnect the
    # end-of-request hook that closes the test's connection.
    response = WsgiClient(application).post(
        APP_LOGIN,
        json={"email": user.email, "password": PASSWORD},
        environ_overrides={"REMOTE_ADDR": "127.0.0.1"},  # allauth's rate limits need one
    )
    assert response.status_code == 200, response.text
    return response.json["meta"]["session_token"]


# Every check runs on every operation. One allowance, operation by operation: where valid
# JSON Schema is not yet a valid request, positive_data_acceptance also accepts the 400 that
# names the field at fault. The rules below are the shop's, and OpenAPI cannot state them.
RULES_BEYOND_THE_SCHEMA = {
    ("POST", "/api/v1/cart/items/"): "the product must exist and be on sale; quantity 1 to 99",
    ("PATCH", "/api/v1/cart/items/{id}/"): "quantity 1 to 99, and required: drf-spectacular "
    "marks every PATCH field optional",
    ("PATCH", "/api/v1/me/"): "a phone number must be a real one",
    ("DELETE", "/api/v1/me/"): "the password comes in a body OpenAPI 3.0 cannot give a DELETE",
    ("POST", "/api/v1/me/addresses/"): "a postcode in its country's format, a real phone",
    ("PATCH", "/api/v1/me/addresses/{id}/"): "a postcode in its country's format, a real phone",
    ("PUT", "/api/v1/notifications/preferences/"): "only the kinds this user can receive",
    ("GET", "/api/v1/orders/"): "the slot filtered on must exist (pinned by tests/orders)",
    ("POST", "/api/v1/orders/"): "the slot and address must exist; delivery needs an address",
    ("GET", "/api/v1/products/"): "the category filtered on must exist",
    ("GET", "/api/v1/slots/"): "a date within a year of today",
}
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429"]  # schemathesis's, less 5xx
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED}},
        "operations": [
            {
                "include-method": method,
                "include-path": path,
                "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "400"]}},
            }
            for method, path in RULES_BEYOND_THE_SCHEMA
        ],
    }
)
# Loaded as the module is collected: drf-spectacular builds it with no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application, config=CONFIG)


@pytest.fixture
def shop(db, settings):
    """Slots to book; requests handled in the test's transaction, as Django's test client
    does: the end of each request would otherwise take the open transaction for a broken
    connection and close it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    SlotFactory(kind=Slot.Kind.PICKUP)
    SlotFactory(kind=Slot.Kind.DELIVERY)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.auth(refresh_interval=None)
class CustomerToken:
    """The session token of the customer the running test signed in (schemathesis's way to
    send real credentials, which its ignored_auth check then probes without)."""

    current = ""

    def get(self, case, context):
        return CustomerToken.current

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "X-Session-Token": data}


@pytest.fixture
def signed_in(shop):
    CustomerToken.current = customer_token()


@schema.parametrize()
@FAST
def test_every_operation_passes_every_check(case, signed_in):
    case.call_and_validate()


def test_sequences_of_operations_along_their_links_pass_every_check(shop):
    class Customer(schema.as_state_machine()):
        def setup(self):
            CustomerToken.current = customer_token()

    Customer.run(settings=settings(FAST, max_examples=25, stateful_step_count=6))
