"""Turn a run's wrk reports (bench/out/<label>.<run>.txt) into the Markdown tables of
bench/RESULTS.md: medians of the runs, and each as a ratio to the bare Django ping measured
just before it."""

import json
import re
import statistics
import sys
from pathlib import Path

OUT = Path(sys.argv[1])
MAIN = [  # the targets of issue 32
    ("healthz", "`/healthz`", 0.85),
    ("products-api", "product list API, page 1", 0.40),
    ("product-api", "product detail API", 0.40),
    ("search-api", "search API, 1% of products match", 0.09),
    ("search-page", "search page, 1% match", None),
    ("catalogue-page", "catalogue page `/`", 0.40),
    ("product-page", "product page (HTML)", 0.30),
    ("me-api", "signed-in `GET /api/v1/me/`", 0.25),
    ("cart-add", "cart add", 0.10),
    ("checkout", "checkout, 1 line, pickup", 0.03),
]
GROWTH = ["products-api", "search-api", "catalogue-page", "cart-add", "checkout"]


def parse(path: Path) -> dict:
    text = path.read_text()

    def ms(percent):
        match = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
        return float(match.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[match.group(2)]

    status = re.search(r"STATUS 5xx=(\d+) 4xx=(\d+)", text)
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
        "p50": ms(50),
        "p99": ms(99),
        "5xx": int(status.group(1)),
        "4xx": int(status.group(2)),
        "socket": sum(map(int, socket.groups())) if socket else 0,
    }


def median_of(label: str) -> dict | None:
    runs = [parse(p) for p in sorted(OUT.glob(f"{label}.*.txt"))]
    if not runs:
        return None
    return {
        "runs": len(runs),
        **{key: statistics.median(r[key] for r in runs) for key in ("rps", "p50", "p99")},
        **{key: sum(r[key] for r in runs) for key in ("5xx", "4xx", "socket")},
    }


def ping_before(label: str) -> float:
    """The ping measured just before this endpoint, in bench/run.sh's measure."""
    return median_of(f"ping-before-{label}")["rps"]


queries = json.loads((OUT / "queries.json").read_text())
floor = median_of("floor")
floor_after = median_of("floor-after")
pings = [ping_before(label) for label, _, _ in MAIN]
print(
    f"Bare Django ping (the yardstick): {floor['rps']:.0f} req/s at the start of the run, "
    f"{floor_after['rps']:.0f} at its end, and from {min(pings):.0f} to {max(pings):.0f} "
    "just before the endpoints.\n"
)
print(
    "| endpoint | req/s | p50 ms | p99 ms | 5xx | 4xx | SQL queries | ping just before "
    "| ratio to it | target | met |"
)
print("|---|---|---|---|---|---|---|---|---|---|---|")
# A customer's first add also creates their cart: most of the run's adds are firsts.
queries["cart-add"] = f"{queries['cart-add']} ({queries['cart-add-first']} first)"
for label, name, target in MAIN:
    row, ping = median_of(label), ping_before(label)
    ratio = row["rps"] / ping
    met = "" if target is None else ("yes" if ratio >= target else "**no**")
    print(
        f"| {name} | {row['rps']:.0f} | {row['p50']:.1f} | {row['p99']:.1f} | {row['5xx']} | "
        f"{row['4xx']} | {queries.get(label, '')} | {ping:.0f} | {ratio:.3f} | "
        f"{'' if target is None else f'{target:.2f}'} | {met} |"
    )

oversold = json.loads((OUT / "oversold.json").read_text())
rss = (OUT / "rss-kb.txt").read_text().strip()
print(
    f"\nCheckout: {oversold['orders_placed']} orders, {oversold['units_sold']} units, "
    f"{oversold['oversold_units']} oversold, "
    f"{oversold['products_whose_stock_does_not_add_up']} products whose stock does not add up."
)
print(f"Peak RSS of a gunicorn worker: {int(rss) / 1024:.0f} MB." if rss else "")

print("\n| growth | 1,000 products, 5,000 orders | 100,000 products, 500,000 orders | change |")
print("|---|---|---|---|")
for label in GROWTH:
    small, large = median_of(f"small-{label}"), median_of(f"large-{label}")
    small_ratio = small["rps"] / ping_before(f"small-{label}")
    large_ratio = large["rps"] / ping_before(f"large-{label}")
    change = large_ratio / small_ratio - 1
    print(
        f"| {label} | {small['rps']:.0f} req/s ({small_ratio:.3f}) | "
        f"{large['rps']:.0f} req/s ({large_ratio:.3f}) | {change:+.0%}"
        f"{'' if abs(change) <= 0.20 else ' **over 20%**'} |"
    )
