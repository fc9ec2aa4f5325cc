"""Django's PostgreSQL backend, with a health check that costs no round trip.

With CONN_HEALTH_CHECKS Django checks a connection kept from an earlier request before the
request's first query by sending `SELECT 1`: a round trip to the database on every request
that uses it (8% of a signed-in `GET /api/v1/me/`, bench/RESULTS.md). A connection that a
restart, a terminated backend or an idle timeout ended has been closed by the server, which
sends its last message and closes the socket: between requests an idle connection has
nothing to read unless it was closed. So the check here asks the socket, without waiting;
anything to read, or a connection psycopg already knows is closed, and Django connects
anew before the query, as after a failed `SELECT 1`. After an error inside a request
Django still asks with `SELECT 1` (is_usable), as before (docs/decisions/0011).
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if (
            self.pool
            or self.connection is None
            or not self.health_check_enabled
            or self.health_check_done
        ):
            return super().close_if_health_check_failed()
        if self.connection.closed or _has_something_to_read(self.connection.fileno()):
            self.close()
        self.health_check_done = True


def _has_something_to_read(fd: int) -> bool:
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))
