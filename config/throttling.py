"""The API's throttles, counted in fixed windows: one Redis round trip per request.

DRF's own throttles keep every request's timestamp for the whole window in one cache
value, read and written back by every request: at 600 a minute that is a list of 600
floats unpickled and pickled per request (half the time of a cached product list in
bench/profile.py). A counter per client per window costs one INCR. The price: a client
can spend one window's allowance at its end and the next one's at its start.

Anonymous requests count against the anonymous rate only; signed-in ones against the
user rate only. With Redis down the counter fails open (config.cache).

A view with a `cache_read_ahead(request)` method names the cache keys its reply will read;
the counting round trip reads them too, and leaves what it found in `request.read_ahead`
for the view: a cached catalogue reply costs one round trip to Redis, not two.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from config.cache import count_hit


class FixedWindowMixin:
    def get_rate(self):
        # DRF reads the rates once, at import; these follow the settings (and tests).
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        read_ahead = getattr(view, "cache_read_ahead", None)
        count, request.read_ahead = count_hit(
            self.cache,
            f"{self.key}:{window}",
            self.duration,
            read=read_ahead(request) if read_ahead else (),
        )
        return count <= self.num_requests

    def wait(self):
        """Seconds until the window ends and the client's count starts again."""
        return max(self.window_ends - self.now, 1)


class AnonThrottle(FixedWindowMixin, AnonRateThrottle):
    pass


class UserThrottle(FixedWindowMixin, UserRateThrottle):
    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None  # AnonThrottle counts them
        return super().get_cache_key(request, view)
