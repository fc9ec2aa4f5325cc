"""The API's throttles: a fixed window per client, one counter each, failing open."""

import pytest
from django.conf import settings as project
from django.core.cache import cache

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    settings.REST_FRAMEWORK = {
        **project.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "5/min"},
    }


def _statuses(client, count, **extra):
    return [client.get("/api/v1/products/", **extra).status_code for _ in range(count)]


def test_an_anonymous_client_past_its_rate_waits_for_the_next_window(client, rates):
    assert _statuses(client, 4) == [200, 200, 200, 429]
    refused = client.get("/api/v1/products/")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["detail"].startswith("Request was throttled")
    assert _statuses(client, 1, REMOTE_ADDR="192.0.2.9") == [200]  # another client


def test_a_signed_in_customer_counts_against_the_user_rate_only(client, rates):
    assert _statuses(client, 3) == [200, 200, 200]  # the address's anonymous allowance
    client.force_login(UserFactory())
    assert _statuses(client, 6) == [200, 200, 200, 200, 200, 429]


@pytest.mark.redis
def test_in_redis_the_counter_expires_with_its_window(client, rates):
    client.get("/api/v1/products/")
    redis = cache.client.get_client(write=True)
    (key,) = [k for k in _throttle_keys() if ":throttle_anon_127.0.0.1:" in k]
    assert 0 < redis.ttl(key) <= 60
    assert int(redis.get(key)) == 1


def _throttle_keys() -> list[str]:
    if hasattr(cache, "client"):
        keys = cache.client.get_client().keys("*throttle_*")
        return [k.decode() for k in keys]
    return list(cache._cache.keys())


@pytest.mark.redis
def test_on_redis_6_the_throttle_counts_and_refuses_instead_of_failing(client, rates, monkeypatch):
    """Redis 6 has no `EXPIRE ... NX` (7.0 added it): it answers an error, as here."""
    import redis.client
    from redis.exceptions import ResponseError

    def redis_6_expire(self, name, time, nx=False, **kwargs):
        if nx:
            raise ResponseError("wrong number of arguments for 'expire' command")
        return self.execute_command("EXPIRE", name, time)

    monkeypatch.setattr(redis.client.Pipeline, "expire", redis_6_expire)
    assert _statuses(client, 4) == [200, 200, 200, 429]
    redis_db = cache.client.get_client(write=True)
    (key,) = [k for k in _throttle_keys() if ":throttle_anon_127.0.0.1:" in k]
    assert 0 < redis_db.ttl(key) <= 60


@pytest.mark.redis
def test_a_cached_product_list_and_its_throttle_are_one_round_trip_to_redis(
    client, rates, monkeypatch
):
    from config.cache import BreakerConnection
    from tests.factories import ProductFactory

    ProductFactory(name="Rye loaf")
    assert client.get("/api/v1/products/").status_code == 200  # built and cached
    sent = []
    send = BreakerConnection.send_packed_command

    def counted(self, command, check_health=True):
        sent.append(command)
        return send(self, command, check_health)

    monkeypatch.setattr(BreakerConnection, "send_packed_command", counted)
    replies = [client.get("/api/v1/products/") for _ in range(3)]
    assert [reply.status_code for reply in replies] == [200, 200, 429]
    assert replies[1].json()["results"][0]["name"] == "Rye loaf"
    assert len(sent) == 3  # one per request, the refused one included


def test_a_refused_client_reads_no_cached_reply_and_builds_nothing(client, rates):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _statuses(client, 3)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/products/?page=2").status_code == 429
    assert not queries.captured_queries


def test_count_hit_reads_the_keys_asked_for_in_the_same_call():
    from config.cache import count_hit

    cache.set("one", (1, "a"))
    count, found = count_hit(cache, "hits", 60, read=["one", "absent"])
    assert count == 1
    assert found == {"one": (1, "a")}
    assert count_hit(cache, "hits", 60) == (2, {})
