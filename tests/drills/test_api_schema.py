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
    suppress_health_check=list(HealthCheck),
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


# Every check runs, with one allowance: positive_data_acceptance also accepts a 400 naming
# the field at fault. Valid JSON Schema is not always a valid order: a product, slot or
# category id that does not exist (the API's tests pin ?slot=0 as a 400), a postcode not in
# the country's format, a phone number that is no number, a filter date outside the calendar
# or slots' range, and DELETE /me/'s password body, which OpenAPI 3.0 cannot declare.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "400", "401", "403", "404", "409", "429"]
            }
        }
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
