"""Reads of the catalogue: what customers may see, found the way the pages and the API ask."""

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection
from django.db.models import Count, Q, QuerySet

from orders.models import Category, Product


def category_list() -> QuerySet[Category]:
    return Category.objects.all()


def category_list_with_counts() -> QuerySet[Category]:
    """Categories that have something for sale, with how many active products each has."""
    return Category.objects.annotate(
        product_count=Count("products", filter=Q(products__is_active=True))
    ).filter(product_count__gt=0)


def product_list(*, category: str | None = None, search: str = "") -> QuerySet[Product]:
    """Active products, optionally in one category (by slug) and matching a search.

    On PostgreSQL the name is matched by trigram word similarity (served by the
    product_name_trgm GIN index) so a typo still finds the loaf, ranked by closeness;
    a plain substring match of name or description keeps short or exact queries working.
    SQLite, the embedded setup, has only the substring match.
    """
    # pk breaks ties so that pages never repeat or skip a product of the same name
    products = (
        Product.objects.filter(is_active=True).select_related("category").order_by("name", "pk")
    )
    return products_matching(products_in_category(products, category=category), search=search)


def products_in_category(products: QuerySet[Product], *, category: str | None) -> QuerySet[Product]:
    return products.filter(category__slug=category) if category else products


def products_matching(products: QuerySet[Product], *, search: str) -> QuerySet[Product]:
    """The products that match a search, closest first (see product_list)."""
    search = search.strip()
    if not search:
        return products
    substring = Q(name__icontains=search) | Q(description__icontains=search)
    if connection.vendor != "postgresql":
        return products.filter(substring)
    return (
        products.annotate(similarity=TrigramWordSimilarity(search, "name"))
        .filter(Q(name__trigram_word_similar=search) | substring)
        .order_by("-similarity", "name", "pk")
    )
