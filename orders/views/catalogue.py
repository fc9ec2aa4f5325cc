from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.paginator import Page, Paginator
from django.http import HttpResponse, QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers

from config.caching import request_keep_only
from orders.food import ALLERGEN_KEYS, ALLERGENS
from orders.forms import CartAddForm
from orders.selectors.catalogue import category_list_with_counts, product_list
from orders.selectors.options import option_groups_of
from orders.services.catalogue import catalogue_cached

PRODUCTS_PER_PAGE = 12
# The query parameters the catalogue page reads; the others leave its cached copy alone.
CATALOGUE_READS = ["category", "q", "page", "exclude_allergens"]


# Stands in for the CSRF token in a page cached for every visitor; each reply gets its own.
CSRF_SLOT = "csrf-token-of-this-reply-8d0f7c1e"


def home(request):
    """The catalogue: every product for sale, by category, searched, a page at a time.

    A visitor who has nothing of their own yet (no session, no pending message) sees
    exactly what every such visitor sees, so the whole page is cached once per catalogue
    version and address; only the CSRF token is filled in per reply."""
    if not _has_own_state(request):
        return _cached_for_visitors(
            request, "page html", CATALOGUE_READS, lambda: _home(request, csrf_token=CSRF_SLOT)
        )
    return _home(request)


def _cached_for_visitors(request, name: str, reads: list[str], render_page) -> HttpResponse:
    """A page every visitor with no state of their own sees alike, from the cache: one copy
    per catalogue version, address and the query parameters the page `reads` (the others
    are dropped from the request first, so its links do not carry them either). Only the
    CSRF token (the page renders CSRF_SLOT in its place) is filled in per reply."""
    html = catalogue_cached(
        f"{name} {request.get_host()} {request_keep_only(request, reads)}",
        lambda: render_page().content.decode(),
    )
    response = HttpResponse(html.replace(CSRF_SLOT, get_token(request)))
    patch_vary_headers(response, ["Cookie"])
    return response


def _has_own_state(request) -> bool:
    return (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or CookieStorage.cookie_name in request.COOKIES
    )


def _home(request, **context):
    category_slug = request.GET.get("category", "").strip()
    search = request.GET.get("q", "").strip()[:100]
    without = _without(request)
    categories, rows, count, number = catalogue_cached(
        # repr keeps the parts apart: a search holding spaces never reads as another page
        f"page {(category_slug, search, request.GET.get('page', ''), without)!r}",
        lambda: _catalogue_page(category_slug, search, request.GET.get("page"), without),
    )
    current_category = next((c for c in categories if c.slug == category_slug), None)
    page = Page(rows, number, Paginator(range(count), PRODUCTS_PER_PAGE))
    return render(
        request,
        "orders/home.html",
        {
            "categories": categories,
            "current_category": current_category,
            "category_slug": category_slug,
            "search": search,
            "page_obj": page,
            "products": page.object_list,
            "query_prefix": _query_prefix(
                category_slug=category_slug, search=search, without=without
            ),
            "allergens": ALLERGENS,
            "without": without,
            "without_labels": [entry for entry in ALLERGENS if entry.key in without],
            "without_query": f"exclude_allergens={','.join(without)}" if without else "",
            **context,
        },
    )


def _without(request) -> list[str]:
    """The allergens the "without" filter leaves out (checkboxes, or a comma-separated
    list in a link); on a page a name that is not one of the 14 is ignored."""
    given = {
        key.strip().lower()
        for value in request.GET.getlist("exclude_allergens")[: len(ALLERGENS)]
        for key in value.split(",")
    }
    return [key for key in ALLERGEN_KEYS if key in given]


def _catalogue_page(category_slug: str, search: str, number: str | None, without: list[str]):
    """The categories with their counts and one page of products, as plain values to cache.
    A page past the end (a bookmark from a bigger catalogue) is the last page."""
    products = product_list(category=category_slug or None, search=search, without=without)
    page = Paginator(products, PRODUCTS_PER_PAGE).get_page(number)
    categories = list(category_list_with_counts())
    return categories, list(page.object_list), page.paginator.count, page.number


def _query_prefix(*, category_slug: str, search: str, without: list[str]) -> str:
    """The filter part of the query string that pagination links keep."""
    query = QueryDict(mutable=True)
    if category_slug:
        query["category"] = category_slug
    if search:
        query["q"] = search
    if without:
        query["exclude_allergens"] = ",".join(without)
    encoded = query.urlencode()
    return f"{encoded}&" if encoded else ""


def product_detail(request, slug: str):
    """A product's page; cached whole for a visitor with no state of their own, as the
    catalogue page is (a missing product's 404 is not cached)."""
    if not _has_own_state(request):
        return _cached_for_visitors(
            request,
            "product html",
            [],
            lambda: _product_detail(request, slug, csrf_token=CSRF_SLOT),
        )
    return _product_detail(request, slug)


def _product_detail(request, slug: str, **context):
    product = get_object_or_404(product_list(), slug=slug)
    form = CartAddForm(initial={"product": product.pk, "quantity": 1})
    groups = option_groups_of(product_ids=[product.pk]).get(product.pk, [])
    return render(
        request,
        "orders/product_detail.html",
        {"product": product, "form": form, "option_groups": groups, **context},
    )
