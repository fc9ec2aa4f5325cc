"""Where a request's time goes, in process, under the run's settings and data.

    bench/profile.py /api/v1/products/            # pyinstrument over 300 requests
    bench/profile.py / --middleware               # ms per request without each middleware
    bench/profile.py /api/v1/cart/items/ --cart   # a signed-in cart add
    bench/profile.py /api/v1/me/ --signed-in      # a GET with a customer's app session
    bench/profile.py /api/v1/orders/ --checkout   # checkouts (uses up seeded customers)

Requests go straight into Django's WSGI handler (no test client, no network), so the
figures are the server's own CPU per request. Needs the environment `bench/run.sh`
exports and a seeded database (BENCH_OUT names the seed's folder)."""

import argparse
import logging
import os
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from pyinstrument import Profiler  # noqa: E402
from wsgi_calls import environ, send  # noqa: E402

data = Path(os.environ["BENCH_OUT"])
cart_tokens = (data / "cart-tokens.txt").read_text().split()
products = (data / "products.txt").read_text().split()
checkout_tokens = (data / "checkout-tokens.txt").read_text().split()
slots = (data / "slots.txt").read_text().split()


def request_maker(path: str, cart: bool, checkout: bool, signed_in: bool):
    if checkout:
        start = int(time.time() * 1000) % len(checkout_tokens)  # runs take other customers
        return lambda i: environ(
            path,
            b'{"slot": %s}' % slots[i % len(slots)].encode(),
            {
                "X-Session-Token": checkout_tokens[(start + i) % len(checkout_tokens)],
                "Idempotency-Key": f"profile-{start}-{i}",
            },
        )
    if signed_in:
        return lambda i: environ(path, headers={"X-Session-Token": cart_tokens[i % 100]})
    if not cart:
        return lambda i: environ(path)
    return lambda i: environ(
        path,
        b'{"product": %s, "quantity": 1}' % products[i % len(products)].encode(),
        {"X-Session-Token": cart_tokens[i % len(cart_tokens)]},
    )


def ms_per_request(app: WSGIHandler, make, n: int) -> float:
    for i in range(20):
        send(app, make(i))
    start = time.perf_counter()
    for i in range(n):
        status = send(app, make(i))
    if status[0] not in "23":
        raise RuntimeError(status)
    return (time.perf_counter() - start) * 1000 / n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("-n", type=int, default=300)
    parser.add_argument("--cart", action="store_true", help="POST a cart add as a customer")
    parser.add_argument("--checkout", action="store_true", help="POST checkouts")
    parser.add_argument("--signed-in", action="store_true", help="GET as a customer's app")
    parser.add_argument("--middleware", action="store_true", help="cost of each middleware")
    args = parser.parse_args()
    make = request_maker(args.path, args.cart, args.checkout, args.signed_in)
    full = list(settings.MIDDLEWARE)
    base = ms_per_request(WSGIHandler(), make, args.n)
    print(f"{args.path}: {base:.2f} ms per request")
    if args.middleware:
        logging.disable(logging.CRITICAL)
        for name in full:
            settings.MIDDLEWARE = [m for m in full if m != name]
            try:
                without = ms_per_request(WSGIHandler(), make, args.n)
            except RuntimeError:
                print(f"  {'needed':>9}  {name} (a later middleware or the view needs it)")
                continue
            print(f"  {base - without:6.2f} ms  {name}")
        settings.MIDDLEWARE = full
        return
    app = WSGIHandler()
    profiler = Profiler(interval=0.0002)
    with profiler:
        for i in range(args.n):
            send(app, make(i))
    print(profiler.output_text(color=False, show_all=False, short_mode=False))


main()
