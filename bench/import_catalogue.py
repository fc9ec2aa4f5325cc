"""Times a catalogue import in admin as a manager makes it: a CSV of --rows rows (half of
them products that exist, with new prices and stock figures; half new products) uploaded
and previewed (a dry run), then confirmed (applied, stock changes written as movements).

    DATABASE_URL=postgres://.../scratch python manage.py migrate
    DATABASE_URL=postgres://.../scratch python bench/import_catalogue.py --rows 1000

Run it on a scratch database: it adds products (with prefix BENCH-) and a manager.
"""

import argparse
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.conf import settings  # noqa: E402

settings.DEBUG = False  # as in production: no log of every query kept in memory

import tablib  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import MANAGER  # noqa: E402
from accounts.services import user_role_assign  # noqa: E402
from orders.admin.imports import import_problems  # noqa: E402
from orders.models import Category, Product, StockMovement  # noqa: E402

HEADER = ["sku", "name", "slug", "category", "description", "price", "tax_rate", "stock"]
HEADER += ["low_stock_threshold", "is_active"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1000)
    rows = parser.parse_args().rows
    run = f"{int(time.time())}"
    category, _ = Category.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    existing = rows // 2
    Product.objects.bulk_create(
        Product(
            sku=f"BENCH-{run}-{n}",
            name=f"Bench loaf {run} {n}",
            slug=f"bench-loaf-{run}-{n}",
            category=category,
            price=Decimal("3.00"),
            stock=10,
        )
        for n in range(existing)
    )
    sheet = tablib.Dataset(headers=HEADER)
    for n in range(rows):
        sku, slug = f"BENCH-{run}-{n}", f"bench-loaf-{run}-{n}"
        price, stock = f"{3 + n % 7}.50", str(20 + n % 13)
        sheet.append(
            [sku, f"Bench loaf {run} {n}", slug, "bench", "Baked", price, "0.2", stock, "5", "1"]
        )
    body = sheet.export("csv").encode()

    manager, _ = User.objects.get_or_create(
        email="bench-manager@orderly.local", defaults={"is_staff": True}
    )
    user_role_assign(user=manager, role=MANAGER)
    setup_test_environment()  # the client keeps each reply's template context
    client = Client()
    client.force_login(manager)
    movements = StockMovement.objects.count()

    started, started_cpu = time.perf_counter(), time.process_time()
    preview = client.post(
        "/admin/orders/product/import/",
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile("catalogue.csv", body),
        },
    )
    previewed, previewed_cpu = time.perf_counter(), time.process_time()
    assert preview.status_code == 200, preview.status_code
    problems = import_problems(preview.context["result"])
    assert not problems, problems[:5]
    applied = client.post(
        "/admin/orders/product/process_import/", preview.context["confirm_form"].initial
    )
    done, done_cpu = time.perf_counter(), time.process_time()
    assert applied.status_code == 302, applied.status_code

    made = Product.objects.filter(sku__startswith=f"BENCH-{run}-").count()
    moved = StockMovement.objects.count() - movements
    print(
        f"database: {connection.vendor}; rows: {rows} ({existing} updated, {rows - existing} new)"
    )
    # This process's CPU time beside the clock's: on a shared machine the clock also counts
    # the time other processes held the CPU.
    print(
        f"preview (dry run): {previewed - started:.2f} s ({previewed_cpu - started_cpu:.2f} s CPU)"
    )
    print(f"apply: {done - previewed:.2f} s ({done_cpu - previewed_cpu:.2f} s CPU)")
    print(f"total: {done - started:.2f} s ({done_cpu - started_cpu:.2f} s CPU)")
    print(f"products now: {made}; stock movements written: {moved}")


if __name__ == "__main__":
    main()
