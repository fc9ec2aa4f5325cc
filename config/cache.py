"""Redis for Django's cache (django-redis), failing open, with a circuit breaker.

DRF's throttles, allauth's rate limits, the catalogue and the sessions read the cache on
most requests. With Redis unreachable django-redis' `IGNORE_EXCEPTIONS` makes it a cache
that holds nothing (reads miss, writes are dropped), so the shop keeps selling; limits
are not enforced until Redis is back, the lesser harm than refusing everyone.

A Redis that hangs (accepts, never answers) would still cost every call its socket
timeout. The breaker remembers, per process and per Redis server, that a call timed out
or was refused: for `CACHE_BREAKER_SECONDS` every call fails at once, without touching
the network; then one call tries again. It lives in the connection class that the
connection pool makes (django-redis' `CONNECTION_POOL_CLASS`), so every command, pipeline
and connect goes through it. Ending a session must not fail open: config/sessions.py.
"""

import logging
import threading
import time
from collections.abc import Sequence

import redis
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


class CircuitOpen(RedisConnectionError):
    """Refused without a round trip: this Redis did not answer a moment ago."""


class Breaker:
    """Open for `seconds` after a failure; calls meanwhile fail at once."""

    def __init__(self, name: str, seconds: float):
        self.name = name
        self.seconds = seconds
        self.open_until = 0.0

    def check(self) -> None:
        if time.monotonic() < self.open_until:
            raise CircuitOpen(f"Redis at {self.name} did not answer; retried in a moment")

    def trip(self, error: Exception) -> None:
        now = time.monotonic()
        if now >= self.open_until:
            logger.error(
                "Redis at %s unreachable (%s): the cache is skipped for %s s",
                self.name,
                error,
                self.seconds,
            )
        self.open_until = now + self.seconds


_breakers: dict[tuple[str, int], Breaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(host: str, port: int, seconds: float) -> Breaker:
    with _breakers_lock:
        if (host, port) not in _breakers:
            _breakers[(host, port)] = Breaker(f"{host}:{port}", seconds)
        return _breakers[(host, port)]


class BreakerConnection(redis.Connection):
    def __init__(self, *, breaker_seconds: float = 5.0, **kwargs):
        super().__init__(**kwargs)
        self.breaker = breaker_for(self.host, self.port, breaker_seconds)

    def _guarded(self, call, *args, **kwargs):
        self.breaker.check()
        try:
            return call(*args, **kwargs)
        except CircuitOpen:
            raise
        except UNREACHABLE as error:
            self.breaker.trip(error)
            raise

    def connect(self):
        return self._guarded(super().connect)

    def send_packed_command(self, command, check_health=True):
        return self._guarded(super().send_packed_command, command, check_health)

    def read_response(self, *args, **kwargs):
        return self._guarded(super().read_response, *args, **kwargs)


class BreakerConnectionPool(redis.ConnectionPool):
    """django-redis' CONNECTION_POOL_CLASS: a pool of BreakerConnection."""

    def __init__(self, connection_class=redis.Connection, **kwargs):
        if connection_class is redis.Connection:
            connection_class = BreakerConnection
        else:
            kwargs.pop("breaker_seconds", None)  # rediss:// or unix://: no breaker
        super().__init__(connection_class=connection_class, **kwargs)


class FailOpenRedisCache(RedisCache):
    """django-redis with IGNORE_EXCEPTIONS, whose add() reports success when Redis cannot
    be reached (it would report failure): allauth's rate limits take a lock with add() and,
    never getting it, would refuse every sign-in after waiting a second."""

    def add(self, *args, **kwargs):
        try:
            return self.client.add(*args, **kwargs)
        except ConnectionInterrupted:
            return True


class SkipOpenCircuit(logging.Filter):
    """django-redis logs each exception it ignores; while the circuit is open that is every
    cache call, already told once by Breaker.trip."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(getattr(error, "__cause__", None), CircuitOpen)


def count_hit(cache, key: str, window: int, *, read: Sequence[str] = ()) -> tuple[int, dict]:
    """Add one to the counter at `key`, which lasts `window` seconds from its first hit;
    return the new count and, read in the same round trip, the values found at `read` (a
    dict as get_many's). In Redis one round trip, with commands Redis 6 knows (SET NX EX,
    INCR, in MULTI, then MGET); elsewhere add, incr and get_many. Fails open: 1, nothing.
    """
    if not hasattr(cache, "client"):  # the embedded local-memory cache
        cache.add(key, 0, window)
        return cache.incr(key), cache.get_many(read)
    client = cache.client
    made = {client.make_key(name): name for name in read}
    try:
        with client.get_client(write=True).pipeline(transaction=True) as pipe:
            pipe.set(client.make_key(key), 0, ex=window, nx=True)
            pipe.incr(client.make_key(key))
            if made:
                pipe.mget(list(made))
            _, count, *values = pipe.execute()
    except UNREACHABLE:  # told once by the breaker
        return 1, {}
    found = {
        made[made_key]: client.decode(value)
        for made_key, value in zip(made, values[0] if values else [], strict=False)
        if value is not None
    }
    return count, found


def cache_delete_confirmed(cache, key: str) -> None:
    """Delete `key` or raise: for what must not fail open (ending a session). django-redis'
    client raises (ConnectionInterrupted) where the cache's IGNORE_EXCEPTIONS would not."""
    if hasattr(cache, "client"):
        cache.client.delete(key)
    else:
        cache.delete(key)
