"""The public catalogue API: categories and active products."""

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from orders.models import Category, Product
from orders.selectors.catalogue import category_list, product_list

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


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("category", str, description="Only this category (its slug)."),
            OpenApiParameter("search", str, description="Words to find in name or description."),
        ]
    )
)
class ProductViewSet(viewsets.ReadOnlyModelViewSet):
    """Products for sale. Inactive products are absent from lists and a 404 by slug."""

    permission_classes = [AllowAny]
    serializer_class = ProductSerializer
    lookup_field = "slug"
    filter_backends = []

    def get_queryset(self):
        if self.action != "list":
            return product_list()
        params = self.request.query_params
        return product_list(
            category=params.get("category") or None,
            search=params.get("search", "")[:SEARCH_MAX_LENGTH],
        )
