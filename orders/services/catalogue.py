"""Saving catalogue edits without touching stock, which only stock movements and orders
change; and the cache of what the catalogue shows, which every such change empties."""

from collections.abc import Callable
from hashlib import sha256
from typing import TypeVar
from uuid import uuid4

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from config.languages import language_current
from orders.models import Product

VERSION_KEY = "catalogue:version"
T = TypeVar("T")

# Stock moves only through orders.services.stock and checkout/cancelling, never from a form.
PRODUCT_COUNTERS = {"stock"}


@transaction.atomic
def product_save(*, product: Product) -> Product:
    """Create the product (with no stock yet), or save every field of it except its stock.

    A form read its stock when the page loaded; writing that back would undo every checkout
    and stock movement made since.
    """
    if product.pk is None:
        product.stock = 0
        product.save()
        return product
    fields = [
        field.name
        for field in Product._meta.concrete_fields
        if not field.primary_key and field.name not in PRODUCT_COUNTERS | {"created_at"}
    ]
    product.save(update_fields=fields)
    product.stock = Product.objects.filter(pk=product.pk).values_list("stock", flat=True).get()
    return product


def catalogue_changed() -> None:
    """A product, category, price or stock changed: once the change is committed, every
    cached catalogue reply is out of date (their keys hold the old version)."""
    transaction.on_commit(lambda: cache.set(VERSION_KEY, uuid4().hex, None))


def catalogue_keys(name: str) -> list[str]:
    """The cache keys catalogue_cached(name, ...) reads, for a caller that reads them ahead."""
    # Per language: a German visitor never gets the English page or list, nor the reverse.
    return [VERSION_KEY, f"catalogue:{language_current()}:{sha256(name.encode()).hexdigest()}"]


def catalogue_cached(name: str, build: Callable[[], T], *, found: dict | None = None) -> T:
    """What `build` returns for the catalogue as it is now, from the cache when it holds it.

    The value is cached beside the catalogue's version read before building, and read back
    with the version in one round trip (or handed in as `found`, read with catalogue_keys in
    a round trip the caller made anyway): a change committed meanwhile leaves it beside a
    version that is no longer current, so the next reader builds it again.
    Edits, stock movements and sell-outs empty the cache at once (catalogue_changed);
    CATALOGUE_CACHE_SECONDS bounds how stale a reply can be otherwise (a stock count an
    order lowered without selling out, or a change made behind Orderly's back).
    """
    keys = catalogue_keys(name)
    if found is None:
        found = cache.get_many(keys)
    version = found.get(VERSION_KEY) or cache.get_or_set(VERSION_KEY, lambda: uuid4().hex, None)
    held = found.get(keys[1])
    if held is not None and held[0] == version:
        return held[1]
    value = build()
    cache.set(keys[1], (version, value), settings.CATALOGUE_CACHE_SECONDS)
    return value
