"""What /metrics costs a request: the product list API and checkout, metrics on against off.

    PROMETHEUS_MULTIPROC_DIR=$(mktemp -d) python bench/metrics_cost.py

Needs the environment `bench/run.sh` exports (production settings) and a seeded database
(`bench/seed.py`; BENCH_OUT names its folder). Requests go straight into Django's WSGI
handler, in process (as bench/profile.py does), so the figure is the server's own CPU per
request. "On" is METRICS_TOKEN set: the middleware counts and times every request into
prometheus-client's multiprocess files; "off" is it unset (the middleware is not loaded).
The domain counters (orders, refusals) count in both. On and off alternate in turns, in
alternating order, because the machine's speed drifts; the medians of the turns compare.
"""

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from wsgi_calls import environ, send  # noqa: E402

data = Path(os.environ["BENCH_OUT"])
checkout_tokens = (data / "checkout-tokens.txt").read_text().split()
slots = (data / "slots.txt").read_text().split()


def handler(*, metrics: bool) -> WSGIHandler:
    settings.METRICS_TOKEN = "bench" if metrics else ""
    return WSGIHandler()  # loads the middleware now: the metrics one only with the token


class Customers:
    """Each checkout is a fresh seeded customer with a one-line cart."""

    def __init__(self):
        self.next = 0

    def checkout(self) -> dict:
        token = checkout_tokens[self.next]
        self.next += 1
        return environ(
            "/api/v1/orders/",
            b'{"slot": %s}' % slots[self.next % len(slots)].encode(),
            {"X-Session-Token": token, "Idempotency-Key": f"metrics-cost-{token[:16]}"},
        )


def ms_per_request(app: WSGIHandler, make, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        status = send(app, make())
        if status[0] != "2":
            raise RuntimeError(status)
    return (time.perf_counter() - start) * 1000 / n


def counting_us(n: int = 20000) -> float:
    """Microseconds the middleware adds to one request: around an empty view, with a
    resolved route, on and off; the figure the end-to-end medians' noise hides."""
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.urls import resolve

    from config.metrics import MetricsMiddleware

    settings.METRICS_TOKEN = "bench"
    request = RequestFactory().get("/api/v1/products/")
    request.resolver_match = resolve("/api/v1/products/")
    response = HttpResponse()
    view = lambda request: response  # noqa: E731
    counted = MetricsMiddleware(view)
    spent = {}
    for label, call in [("bare", view), ("counted", counted)]:
        start = time.perf_counter()
        for _ in range(n):
            call(request)
        spent[label] = (time.perf_counter() - start) * 1e6 / n
    return spent["counted"] - spent["bare"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--list-turns", type=int, default=21)
    parser.add_argument("--list", type=int, default=100, help="product list requests a turn")
    parser.add_argument("--checkout-turns", type=int, default=9)
    parser.add_argument("--checkouts", type=int, default=30, help="checkouts a turn")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    apps = {"off": handler(metrics=False), "on": handler(metrics=True)}
    customers = Customers()
    for app in apps.values():  # warm-up: caches, connections, imports
        ms_per_request(app, lambda: environ("/api/v1/products/"), 50)
        ms_per_request(app, customers.checkout, 5)
    times = {(what, mode): [] for what in ("list", "checkout") for mode in apps}
    for what, turns, n, make in [
        ("list", args.list_turns, args.list, lambda: environ("/api/v1/products/")),
        ("checkout", args.checkout_turns, args.checkouts, customers.checkout),
    ]:
        for turn in range(turns):
            for mode in ("off", "on") if turn % 2 == 0 else ("on", "off"):
                times[what, mode].append(ms_per_request(apps[mode], make, n))
    print("| endpoint | metrics off, ms | metrics on, ms | cost |")
    print("|---|---|---|---|")
    for what, label in [("list", "product list API, page 1"), ("checkout", "checkout, 1 line")]:
        off = statistics.median(times[what, "off"])
        on = statistics.median(times[what, "on"])
        print(f"| {label} | {off:.2f} | {on:.2f} | {100 * (on - off) / off:+.1f}% |")
    print(
        f"\n{args.list_turns} turns of {args.list} list requests, "
        f"{args.checkout_turns} turns of {args.checkouts} checkouts"
    )
    print(f"the middleware alone: {counting_us():.1f} µs a request")
    print(f"multiprocess folder: {os.environ.get('PROMETHEUS_MULTIPROC_DIR') or 'none'}")


main()
