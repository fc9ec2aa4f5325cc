"""Django's cached_db sessions, except that ending a session never fails open.

Sessions (and allauth's app tokens, which are sessions) are rows, read through the cache,
which fails open (config/cache.py): with Redis down a read misses and the row answers.
Ending a session is the exception. cached_db deletes the row, then the cached copy; if
Redis did not answer, the copy survived and the session or token worked again once Redis
was back. Here the cached copy goes first and must be confirmed, else nothing is deleted
and the request fails with a 503 (config/views.py), so the user can try again; it is
deleted once more after the row, in case a request cached the row meanwhile. Logout,
"sign out everywhere", allauth's session list and account deletion all end sessions here.

Signing in replaces an anonymous session's key; that old session signs nobody in, so its
cached copy may outlive a Redis outage and sign-in works with Redis down.
"""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django_redis.exceptions import ConnectionInterrupted

from config.cache import cache_delete_confirmed


class SessionNotEnded(Exception):
    """The cache could not confirm that a session's cached copy is gone: nothing ended."""


class SessionStore(CachedDBStore):
    _anonymous_old_key: str | None = None

    def cycle_key(self):
        self._anonymous_old_key = None if SESSION_KEY in self._session else self.session_key
        super().cycle_key()

    def delete(self, session_key=None):
        session_key = session_key or self.session_key
        if session_key is None:
            return
        if session_key == self._anonymous_old_key:
            super().delete(session_key)
            return
        self._forget(session_key)
        DBStore.delete(self, session_key)  # the row alone: the cached copy is _forget's
        self._forget(session_key)

    def _forget(self, session_key: str) -> None:
        try:
            cache_delete_confirmed(self._cache, self.cache_key_prefix + session_key)
        except ConnectionInterrupted as error:
            raise SessionNotEnded(
                "The session cache did not answer, so the session was not ended."
            ) from error
