"""Django's Redis cache, failing open: with Redis unreachable the shop keeps selling.

DRF's throttles and allauth's rate limits read and write the cache on every API
request and sign-in. When Redis does not answer, each call logs a warning and acts
as a cache that holds nothing: reads miss, writes report success. Limits are then
not enforced until Redis is back, which is the lesser harm than refusing everyone.
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


def _failing_open(method, fallback):
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except UNREACHABLE as error:
            logger.warning("Cache unreachable, %s ignored: %s", method.__name__, error)
            return fallback(*args, **kwargs)

    return call


def _default(key, default=None, *args, **kwargs):
    return default


def _delta(key, delta=1, *args, **kwargs):
    return delta


def count_hit(cache, key: str, window: int) -> int:
    """Add one to the counter at `key`, which lasts `window` seconds from its first hit,
    and return the new count: one round trip to Redis, or add and incr elsewhere."""
    hit = getattr(cache, "hit", None)  # cache is often django.core.cache's proxy
    if hit is not None:
        return hit(key, window)
    cache.add(key, 0, window)
    return cache.incr(key)


class ReusedClient(RedisCacheClient):
    """One redis.Redis per connection pool, made once. Django's client makes a new one
    for every call, which costs more CPU than the round trip (bench/profile.py)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        if index not in self._clients:
            self._clients[index] = super().get_client(key, write=write)
        return self._clients[index]


class FailOpenRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClient

    def _hit(self, key, window, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._cache.get_client(key, write=True).pipeline(transaction=False) as pipe:
            pipe.incr(key)
            pipe.expire(key, window, nx=True)
            count, _ = pipe.execute()
        return count

    hit = _failing_open(_hit, lambda *args, **kwargs: 1)
    get = _failing_open(RedisCache.get, _default)
    get_many = _failing_open(RedisCache.get_many, lambda *args, **kwargs: {})
    has_key = _failing_open(RedisCache.has_key, lambda *args, **kwargs: False)
    add = _failing_open(RedisCache.add, lambda *args, **kwargs: True)
    set = _failing_open(RedisCache.set, lambda *args, **kwargs: None)
    set_many = _failing_open(RedisCache.set_many, lambda *args, **kwargs: [])
    touch = _failing_open(RedisCache.touch, lambda *args, **kwargs: True)
    incr = _failing_open(RedisCache.incr, _delta)
    delete = _failing_open(RedisCache.delete, lambda *args, **kwargs: False)
    delete_many = _failing_open(RedisCache.delete_many, lambda *args, **kwargs: None)
    clear = _failing_open(RedisCache.clear, lambda *args, **kwargs: False)
