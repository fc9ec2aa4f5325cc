"""Instructions per request, counted by valgrind's callgrind: a figure that does not move
with the machine's load (a wall clock on a shared machine does).

    bench/instructions.sh /api/v1/me/ --signed-in     # a GET with a customer's app session
    bench/instructions.sh /api/v1/cart/items/ --cart  # a cart add
    bench/instructions.sh /api/v1/products/           # anonymous

Requests go straight into Django's WSGI handler, as in bench/profile.py. The measured
requests are sent from inside itertools.starmap, which nothing else in a request calls:
bench/instructions.sh has callgrind count inside starmap's C function only
(`--toggle-collect=starmap_next`), so starting Python and Django and the warm-up are left out."""

import argparse
import os
import sys
from collections import deque
from itertools import starmap
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from wsgi_calls import environ, send  # noqa: E402

data = Path(os.environ["BENCH_OUT"])


def request_maker(path: str, *, signed_in: bool, cart: bool, cookie: str):
    tokens = (data / "cart-tokens.txt").read_text().split()
    products = (data / "products.txt").read_text().split()
    if cart:
        return lambda i: environ(
            path,
            b'{"product": %s, "quantity": 1}' % products[i % len(products)].encode(),
            {"X-Session-Token": tokens[i % len(tokens)]},
        )
    headers = {"Cookie": cookie} if cookie else {}
    if signed_in:
        return lambda i: environ(path, headers={**headers, "X-Session-Token": tokens[i % 100]})
    return lambda i: environ(path, headers=headers)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("-n", type=int, default=20)
    parser.add_argument("--signed-in", action="store_true", help="GET with an app session")
    parser.add_argument("--cart", action="store_true", help="POST a cart add as a customer")
    parser.add_argument("--cookie", default="", help="a Cookie header to send")
    args = parser.parse_args()
    make = request_maker(args.path, signed_in=args.signed_in, cart=args.cart, cookie=args.cookie)
    app = WSGIHandler()
    for i in range(30):  # warm: connections open, caches filled, lazy imports done
        status = send(app, make(i))
    if status[0] not in "23":
        raise SystemExit(f"{args.path}: {status}")
    deque(starmap(lambda i: send(app, make(i)), ((30 + i,) for i in range(args.n))), maxlen=0)
    print(args.n)


main()
