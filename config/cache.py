"""Django's Redis cache, failing open: with Redis unreachable the shop keeps selling.

DRF's throttles and allauth's rate limits read and write the cache on every API
request and sign-in. When Redis does not answer, each call logs a warning and acts
as a cache that holds nothing: reads miss, writes report success. Limits are then
not enforced until Redis is back, which is the lesser harm than refusing everyone.
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache
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


class FailOpenRedisCache(RedisCache):
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
