"""The public catalogue API: categories and active products."""

import django_filters
from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from config.caching import request_keep_only
from orders.models import Category, Product
from orders.selectors.catalogue import (
    category_find,
    category_list,
    product_list,
    products_matching,
)
from orders.services.catalogue import catalogue_cached

SEARCH_MAX_LENGTH = 100


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "slug", "description"]


class CategoryBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "slug"]


class ProductSerializer(serializers.ModelSerializer):
    category = CategoryBriefSerializer(read_only=True)
    currency = serializers.SerializerMethodField()
    in_stock = serializers.BooleanField(read_only=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "sku",
            "name",
            "slug",
            "description",
            "category",
            "price",
            "tax_rate",
            "currency",
            "stock",
            "in_stock",
            "image",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_currency(self, product: Product) -> str:
        return settings.SHOP_CURRENCY


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The shop's categories, in display order. A short list, so not paginated."""

    permission_classes = [AllowAny]
    serializer_class = CategorySerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return category_list()


class ProductFilter(django_filters.FilterSet):
    """The product list's filters; the rules themselves are the catalogue selectors'."""

    category = django_filters.CharFilter(
        method="filter_category",
        help_text="Only this category, by its slug or its id; an unknown one is a 400.",
    )
    search = django_filters.CharFilter(
        method="filter_search",
        help_text=f"Words to find in name or description (the first {SEARCH_MAX_LENGTH} "
        "characters count).",
    )

    class Meta:
        model = Product
        fields = ["category", "search"]

    def filter_category(self, queryset, name, value):
        category = category_find(key=value)
        if category is None:
            raise ValidationError({"category": [f"There is no category {value!r}."]})
        return queryset.filter(category=category)

    def filter_search(self, queryset, name, value):
        return products_matching(queryset, search=value[:SEARCH_MAX_LENGTH])


class ProductViewSet(viewsets.ReadOnlyModelViewSet):
    """Products for sale. Inactive products are absent from lists and a 404 by slug."""

    permission_classes = [AllowAny]
    serializer_class = ProductSerializer
    lookup_field = "slug"
    filterset_class = ProductFilter

    def get_queryset(self):
        return product_list()

    def filter_queryset(self, queryset):
        # The filters narrow the list; a product's own page is found by its slug alone.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def list(self, request, *args, **kwargs):
        return self._cached(request, super().list, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return self._cached(request, super().retrieve, *args, **kwargs)

    def _cached(self, request, view, *args, **kwargs):
        """The same for every caller, so one cached reply per address and per value of the
        parameters the view reads: its filters and the page (see catalogue_cached)."""
        reads = [*self.filterset_class.base_filters, self.paginator.page_query_param]
        data = catalogue_cached(
            f"api {request.get_host()} "
            + request_keep_only(request, reads if self.action == "list" else []),
            lambda: view(request, *args, **kwargs).data,
        )
        return Response(data)
