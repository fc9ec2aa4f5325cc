"""The health check of a kept PostgreSQL connection asks the socket, not the server
(config/postgresql): no SELECT 1 per request, and a connection the server ended is
replaced before the request's first query."""

import time

import psycopg
import pytest
from django.db import close_old_connections, connection, connections

from config.postgresql.base import DatabaseWrapper

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


@pytest.fixture
def kept_connections(monkeypatch):
    """Connections kept between requests, as in production (CONN_MAX_AGE, health checks)."""
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", True)
    connection.close()
    yield
    connection.close()


def test_the_backend_is_ours():
    assert isinstance(connections["default"], DatabaseWrapper)
    assert connection.vendor == "postgresql"


def test_a_healthy_kept_connection_is_used_again_without_a_select_1(kept_connections, monkeypatch):
    pid = _backend_pid()

    def no_round_trip(self):
        raise AssertionError("the health check went to the server")

    monkeypatch.setattr(DatabaseWrapper, "is_usable", no_round_trip)
    close_old_connections()  # what the start of every request does
    assert _backend_pid() == pid


def test_a_connection_the_server_ended_is_replaced_before_the_next_request(kept_connections):
    pid = _backend_pid()
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        dbname=db["NAME"],
        password=db["PASSWORD"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:  # until the server's goodbye has arrived
            if not other.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
                break
            time.sleep(0.01)
    close_old_connections()  # the next request starts
    assert _backend_pid() != pid  # a new connection, and no error
