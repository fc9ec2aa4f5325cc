from django.core.paginator import Page, Paginator
from django.http import QueryDict
from django.shortcuts import get_object_or_404, render

from orders.forms import CartAddForm
from orders.selectors.catalogue import category_list_with_counts, product_list
from orders.services.catalogue import catalogue_cached

PRODUCTS_PER_PAGE = 12


def home(request):
    """The catalogue: every product for sale, by category, searched, a page at a time."""
    category_slug = request.GET.get("category", "").strip()
    search = request.GET.get("q", "").strip()[:100]
    categories, rows, count, number = catalogue_cached(
        f"page {category_slug} {search} {request.GET.get('page', '')}",
        lambda: _catalogue_page(category_slug, search, request.GET.get("page")),
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
            "query_prefix": _query_prefix(category_slug=category_slug, search=search),
        },
    )


def _catalogue_page(category_slug: str, search: str, number: str | None):
    """The categories with their counts and one page of products, as plain values to cache.
    A page past the end (a bookmark from a bigger catalogue) is the last page."""
    products = product_list(category=category_slug or None, search=search)
    page = Paginator(products, PRODUCTS_PER_PAGE).get_page(number)
    categories = list(category_list_with_counts())
    return categories, list(page.object_list), page.paginator.count, page.number


def _query_prefix(*, category_slug: str, search: str) -> str:
    """The filter part of the query string that pagination links keep."""
    query = QueryDict(mutable=True)
    if category_slug:
        query["category"] = category_slug
    if search:
        query["q"] = search
    encoded = query.urlencode()
    return f"{encoded}&" if encoded else ""


def product_detail(request, slug: str):
    product = get_object_or_404(product_list(), slug=slug)
    form = CartAddForm(initial={"product": product.pk, "quantity": 1})
    return render(request, "orders/product_detail.html", {"product": product, "form": form})
