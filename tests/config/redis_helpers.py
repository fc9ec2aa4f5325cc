"""Caches at a Redis that is dead or hangs, for the fault tests: services are never stopped."""

import socket
import threading
from contextlib import contextmanager

from django.conf import settings


def redis_cache_at(url: str, **options) -> dict:
    """The project's cache settings, pointed at `url`."""
    default = settings.CACHES["default"]
    if default["BACKEND"] != "config.cache.FailOpenRedisCache":  # no REDIS_URL: as production
        default = {
            "BACKEND": "config.cache.FailOpenRedisCache",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": settings.CACHE_SOCKET_TIMEOUT,
                "SOCKET_TIMEOUT": settings.CACHE_SOCKET_TIMEOUT,
                "CONNECTION_POOL_CLASS": "config.cache.BreakerConnectionPool",
                "CONNECTION_POOL_KWARGS": {"breaker_seconds": settings.CACHE_BREAKER_SECONDS},
            },
        }
    return {
        "default": {
            **default,
            "LOCATION": url,
            "OPTIONS": {**default["OPTIONS"], **options},
        }
    }


@contextmanager
def hanging_server():
    """A local server that accepts connections and never answers (a paused or stalled
    Redis, a hung mail server). Yields its port."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(100)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        listener.close()
