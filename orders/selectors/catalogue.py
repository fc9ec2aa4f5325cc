"""Reads of the catalogue: what customers may see, found the way the pages and the API ask."""

import difflib
import operator
from collections.abc import Sequence
from functools import reduce

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf

from config.languages import language_current
from orders.food import allergen_mask
from orders.models import Category, OptionChoice, Product, ProductImage


def category_list() -> QuerySet[Category]:
    return Category.objects.all()


def category_list_with_counts() -> QuerySet[Category]:
    """Categories that have something for sale, with how many active products each has."""
    return Category.objects.annotate(
        product_count=Count("products", filter=Q(products__is_active=True))
    ).filter(product_count__gt=0)


def product_list(
    *, category: str | None = None, search: str = "", without: Sequence[str] = ()
) -> QuerySet[Product]:
    """Active products, optionally in one category (by slug), matching a search and free of
    some allergens (products_without_allergens).

    On PostgreSQL a search is full-text search in the reader's language (English, or German
    over the German texts with PostgreSQL's german configuration) over name, category name and
    description (so "croissants" finds the croissant and "bread" the Bread category's
    loaves), ranked in that order of weight, then by trigram word similarity on the name
    (served by the product_name_trgm GIN index) so a typo still finds the loaf, and a
    substring of the name for half-typed words. SQLite, the embedded setup, matches each
    word, or the word without a plural "s", as a substring of the same three fields, or as
    a close spelling of a word of the name (difflib, in Python: SQLite has no trigrams).
    """
    # pk breaks ties so that pages never repeat or skip a product of the same name
    products = (
        Product.objects.filter(is_active=True)
        .select_related("category")
        .prefetch_related(pictures_prefetch())
        .annotate(has_options=Exists(OptionChoice.objects.filter(group__product=OuterRef("pk"))))
        .order_by(*product_order())
    )
    products = products_without_allergens(products, keys=without)
    return products_matching(products_in_category(products, category=category), search=search)


def product_order() -> tuple:
    """By name in the reader's language, an untranslated name read as its English one (the
    name the page shows), so German pages are in German alphabetical order."""
    if language_current() == "en":
        return ("name_en", "pk")
    return (Coalesce(NullIf(f"name_{language_current()}", Value("")), "name_en"), "pk")


def products_without_allergens(
    products: QuerySet[Product], *, keys: Sequence[str]
) -> QuerySet[Product]:
    """Leave out every product that contains or may contain one of these allergens (keys of
    orders.food.ALLERGENS), and every product whose allergens are not known: nobody can
    promise those are free of anything. One condition on the product row itself
    (docs/decisions/0009-allergens-as-bits.md)."""
    if not keys:
        return products
    return (
        products.filter(allergens_contains__isnull=False)
        .alias(
            allergen_hits=F("allergens_contains")
            .bitor(F("allergens_may_contain"))
            .bitand(allergen_mask(keys))
        )
        .filter(allergen_hits=0)
    )


def pictures_prefetch() -> Prefetch:
    """Every listed product's pictures in one more query, in order (Product.pictures)."""
    return Prefetch(
        "images", queryset=ProductImage.objects.order_by("position", "pk"), to_attr="image_list"
    )


def product_find_for_staff(*, slug: str) -> Product | None:
    """A product by slug whether or not it is for sale, for the managers who edit it."""
    return Product.objects.filter(slug=slug).first()


def products_in_category(products: QuerySet[Product], *, category: str | None) -> QuerySet[Product]:
    return products.filter(category__slug=category) if category else products


def category_find(*, key: str) -> Category | None:
    """The category a client names by its slug or, when the key is a number, its id."""
    if key.isascii() and key.isdigit() and len(key) <= 18:
        return Category.objects.filter(Q(pk=int(key)) | Q(slug=key)).first()
    return Category.objects.filter(slug=key).first()


def products_matching(products: QuerySet[Product], *, search: str) -> QuerySet[Product]:
    """The products that match a search, closest first (see product_list)."""
    search = search.strip()
    if not search:
        return products
    if connection.vendor != "postgresql":
        return products.filter(_words_anywhere(search, products=products))
    language = "de" if language_current() == "de" else "en"
    vector, name = SEARCH_VECTORS[language], f"name_{language}"
    query = SearchQuery(search, config=SEARCH_CONFIGS[language], search_type="websearch")
    # Each condition is served by its own GIN index (migrations 0007 and 0017); only the
    # matches are ranked. A German search reads the German document, which holds the
    # English text of whatever is not translated yet.
    return (
        products.filter(
            Q(**{vector: query})
            | Q(**{f"{name}__trigram_word_similar": search})
            | Q(**{f"{name}__icontains": search})
        )
        .annotate(
            rank=SearchRank(F(vector), query),
            similarity=TrigramWordSimilarity(search, name),
        )
        .order_by("-rank", "-similarity", *product_order())
    )


# PostgreSQL's text search configuration and search document of each language.
SEARCH_CONFIGS = {"en": "english", "de": "german"}
SEARCH_VECTORS = {"en": "search_vector", "de": "search_vector_de"}
SEARCHED_FIELDS = ("name", "category__name", "description")


def _searched_fields() -> list[str]:
    """The English texts, and the reader's language's when it is another."""
    languages = ["en"] if language_current() == "en" else [language_current(), "en"]
    return [f"{field}_{language}" for field in SEARCHED_FIELDS for language in languages]


def _words_anywhere(search: str, *, products: QuerySet[Product]) -> Q:
    """Every word of the search in one of the searched fields, singular or plural, or
    spelt close to a word of the product's name."""
    names = [
        (pk, " ".join(filter(None, texts)).lower().split())
        for pk, *texts in products.values_list("pk", *{"name_en", f"name_{language_current()}"})
    ]
    match = Q()
    for word in search.split()[:10]:
        forms = {word, word.removesuffix("s")} - {""}
        near = [pk for pk, name in names if _close_to_one_of(word.lower(), name)]
        match &= reduce(
            operator.or_,
            (Q(**{f"{field}__icontains": form}) for field in _searched_fields() for form in forms),
            Q(pk__in=near),
        )
    return match


# How alike a typed word and a word of a name must be (difflib's ratio); PostgreSQL's
# trigram word similarity, its counterpart, uses 0.6 on a different measure.
SPELLING_CUTOFF = 0.75


def _close_to_one_of(word: str, name_words: list[str]) -> bool:
    return bool(difflib.get_close_matches(word, name_words, n=1, cutoff=SPELLING_CUTOFF))
