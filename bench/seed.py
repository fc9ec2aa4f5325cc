"""The benchmark's data, written in bulk: products in 10 categories, 48 hourly pickup
slots with room, verified customers signed in as apps, and past orders.

    python bench/seed.py --products 10000 --orders 5000 --customers 4000 --out bench/out/main

Writes `cart-tokens.txt`, `checkout-tokens.txt`, `products.txt` and `slots.txt` (ids) and
`env.sh` (a slot id, a product slug, a search word that matches about 1% of products) to --out.

Signing thousands of customers in through the app API would spend the run in argon2, so
each customer's app session is written directly, as allauth writes it at sign-in: an app
session token is the key of a Django session holding the user's id, backend and password
hash. `check_shortcut` proves it: a written token and a token from a real password sign-in
get the same answer from `/api/v1/me/`.
"""

import argparse
import json
import os
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import CUSTOMER  # noqa: E402
from orders.models import Cart, CartLine, Category, Order, Product, Slot  # noqa: E402
from orders.models.orders import order_door  # noqa: E402

PASSWORD = "bench-loaf-password"
CATEGORIES = [
    "Bread",
    "Pastries",
    "Cakes",
    "Biscuits",
    "Dairy",
    "Drinks",
    "Fruit",
    "Deli",
    "Pantry",
    "Frozen",
]
WORDS = ["rye", "spelt", "seeded", "honey", "walnut", "olive", "malted", "oat", "fig", "cocoa"]
SLOTS = 48
# One product in a hundred carries this word in its name: the search of about 1% of the catalogue.
RARE_WORD = "pumpernickel"
BATCH = 5000


def seed_catalogue(count: int) -> list[int]:
    categories = [
        Category.objects.get_or_create(slug=name.lower(), defaults={"name": name})[0]
        for name in CATEGORIES
    ]
    Product.objects.bulk_create(
        (
            Product(
                category=categories[n % len(categories)],
                sku=f"B-{n:06d}",
                slug=f"bench-{n:06d}",
                name=(
                    f"{WORDS[n % 10].title()} {WORDS[n // 10 % 10]} "
                    f"{RARE_WORD if n % 100 == 7 else 'loaf'} {n}"
                ),
                description=f"A {WORDS[n // 100 % 10]} bake for the load run.",
                price=Decimal("1.00") + Decimal(n % 400) / 100,
                stock=1_000_000,
            )
            for n in range(count)
        ),
        batch_size=BATCH,
    )
    return list(Product.objects.order_by("pk").values_list("pk", flat=True))


def seed_customers(count: int) -> list[User]:
    password = make_password(PASSWORD)
    users = User.objects.bulk_create(
        (
            User(email=f"buyer{n}@bench.local", name=f"Buyer {n}", password=password)
            for n in range(count)
        ),
        batch_size=BATCH,
    )
    EmailAddress.objects.bulk_create(
        (EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users),
        batch_size=BATCH,
    )
    customer, _ = Group.objects.get_or_create(name=CUSTOMER)
    User.groups.through.objects.bulk_create(
        (User.groups.through(user=u, group=customer) for u in users), batch_size=BATCH
    )
    return users


def app_tokens(users: list[User]) -> list[str]:
    """A signed-in app session per user, as allauth's session-token strategy stores it."""
    store = SessionStore()
    expires = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    backend = "allauth.account.auth_backends.AuthenticationBackend"
    sessions = [
        Session(
            session_key=get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789"),
            session_data=store.encode(
                {
                    SESSION_KEY: str(user.pk),
                    BACKEND_SESSION_KEY: backend,
                    HASH_SESSION_KEY: user.get_session_auth_hash(),
                }
            ),
            expire_date=expires,
        )
        for user in users
    ]
    Session.objects.bulk_create(sessions, batch_size=BATCH)
    return [session.session_key for session in sessions]


def fill_carts(users: list[User], product_ids: list[int]) -> None:
    carts = Cart.objects.bulk_create((Cart(user=u) for u in users), batch_size=BATCH)
    CartLine.objects.bulk_create(
        (
            CartLine(cart=cart, product_id=product_ids[n * 37 % len(product_ids)], quantity=1)
            for n, cart in enumerate(carts)
        ),
        batch_size=BATCH,
    )


def seed_slots() -> list[Slot]:
    """Pickup slots with room, hourly from two days ahead: a shop's booking sheet, so the
    checkout run's buyers spread over slots as real ones do instead of queueing for one."""
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    return Slot.objects.bulk_create(
        Slot(
            kind=Slot.Kind.PICKUP,
            starts_at=start + timedelta(hours=n),
            ends_at=start + timedelta(hours=n + 1),
            capacity=1_000_000,
        )
        for n in range(SLOTS)
    )


def seed_past_orders(count: int, users: list[User], slot: Slot) -> None:
    now = timezone.now()
    # Past orders as the services would have left them (completed, paid): history, not a sale.
    with order_door():
        _seed_past_orders(count, users, slot, now)


def _seed_past_orders(count: int, users: list[User], slot: Slot, now) -> None:
    for start in range(0, count, BATCH):
        Order.objects.bulk_create(
            Order(
                number=f"ORD-PAST-{n:07d}",
                user=users[n % len(users)],
                status=Order.Status.COMPLETED,
                kind=slot.kind,
                slot=slot,
                contact_email=users[n % len(users)].email,
                subtotal=Decimal("7.50"),
                tax=Decimal("1.25"),
                delivery_fee=Decimal("0.00"),
                total=Decimal("7.50"),
                currency="GBP",
                placed_at=now - timedelta(minutes=n + 60),
                paid_at=now - timedelta(minutes=n + 59),
            )
            for n in range(start, min(start + BATCH, count))
        )


def check_shortcut(token: str, user: User) -> None:
    """The written token and a real password sign-in answer /api/v1/me/ alike."""
    client = Client(HTTP_HOST="127.0.0.1", REMOTE_ADDR="127.0.0.1")
    login = client.post(
        "/_allauth/app/v1/auth/login",
        {"email": user.email, "password": PASSWORD},
        content_type="application/json",
    )
    assert login.status_code == 200, login.content
    real = login.json()["meta"]["session_token"]
    me = [client.get("/api/v1/me/", headers={"X-Session-Token": t}) for t in (token, real)]
    assert [r.status_code for r in me] == [200, 200], [r.content for r in me]
    assert me[0].json() == me[1].json()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, required=True)
    parser.add_argument("--orders", type=int, required=True)
    parser.add_argument("--customers", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    with transaction.atomic():
        product_ids = seed_catalogue(args.products)
        slots = seed_slots()
        slot = slots[0]
        users = seed_customers(args.customers)
        half = len(users) // 2
        cart_users, checkout_users = users[:half], users[half:]
        fill_carts(checkout_users, product_ids)
        seed_past_orders(args.orders, users, slot)
        cart_tokens, checkout_tokens = app_tokens(cart_users), app_tokens(checkout_users)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    check_shortcut(cart_tokens[0], cart_users[0])
    (args.out / "cart-tokens.txt").write_text("\n".join(cart_tokens) + "\n")
    (args.out / "checkout-tokens.txt").write_text("\n".join(checkout_tokens) + "\n")
    (args.out / "slots.txt").write_text("\n".join(str(s.pk) for s in slots) + "\n")
    (args.out / "products.txt").write_text("\n".join(map(str, product_ids)) + "\n")
    slug = Product.objects.get(pk=product_ids[len(product_ids) // 2]).slug
    (args.out / "env.sh").write_text(f"SLOT={slot.pk}\nSLUG={slug}\nSEARCH={RARE_WORD}\n")
    print(
        json.dumps(
            {"products": len(product_ids), "customers": len(users), "past_orders": args.orders}
        )
    )


if __name__ == "__main__":
    main()
