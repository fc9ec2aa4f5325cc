"""SQL queries per request for each endpoint of the run, counted on a second (warm)
request through Django's test client under the run's settings and data: a checkout on a
customer's first, which places the order; a cart add on the second, which adds to a line,
and on a customer's first, which also creates their cart.
Prints JSON."""

import json
import os
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

data = Path(os.environ["BENCH_OUT"])
env = dict(line.split("=", 1) for line in (data / "env.sh").read_text().split())
cart_tokens = (data / "cart-tokens.txt").read_text().split()
checkout_token = (data / "checkout-tokens.txt").read_text().split()[-1]
product = (data / "products.txt").read_text().split()[0]
client = Client(HTTP_HOST="127.0.0.1", REMOTE_ADDR="127.0.0.1")


def count(method: str, path: str, token: str = "", body: str = "", warm=True, **headers) -> int:
    if token:
        headers["X-Session-Token"] = token
    send = getattr(client, method)
    kwargs = {"content_type": "application/json", "data": body} if method == "post" else {}
    if warm:
        send(path, headers=headers, **kwargs)
    with CaptureQueriesContext(connection) as queries:
        response = send(path, headers=headers, **kwargs)
    assert response.status_code < 300, (path, response.status_code, response.content[:300])
    # BEGIN and COMMIT are round trips too, but not queries: the tests do not count them.
    return sum(q["sql"] not in {"BEGIN", "COMMIT"} for q in queries.captured_queries)


print(
    json.dumps(
        {
            "healthz": count("get", "/healthz"),
            "products-api": count("get", "/api/v1/products/"),
            "product-api": count("get", f"/api/v1/products/{env['SLUG']}/"),
            "search-api": count("get", f"/api/v1/products/?search={env['SEARCH']}"),
            "catalogue-page": count("get", "/"),
            "search-page": count("get", f"/?q={env['SEARCH']}"),
            "product-page": count("get", f"/products/{env['SLUG']}/"),
            "me-api": count("get", "/api/v1/me/", cart_tokens[1]),
            "cart-add": count(
                "post",
                "/api/v1/cart/items/",
                cart_tokens[0],
                f'{{"product": {product}, "quantity": 1}}',
            ),
            "cart-add-first": count(
                "post",
                "/api/v1/cart/items/",
                cart_tokens[-1],
                f'{{"product": {product}, "quantity": 1}}',
                warm=False,
            ),
            "checkout": count(
                "post",
                "/api/v1/orders/",
                checkout_token,
                f'{{"slot": {env["SLOT"]}}}',
                warm=False,
                **{"Idempotency-Key": "bench-queries"},
            ),
        }
    )
)
