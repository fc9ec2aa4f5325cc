"""The public catalogue API: categories and active products."""

from collections.abc import Sequence

import django_filters
from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response

from config.caching import request_keep_only
from config.parsers import JSONRenderer
from orders import permissions
from orders.food import ALLERGEN_KEYS, SUITABLE_FOR_KEYS, allergen_keys_parse, suitable_for_of
from orders.models import Category, Product, ProductImage
from orders.selectors.catalogue import (
    category_find,
    category_list,
    product_find_for_staff,
    product_list,
    products_matching,
    products_without_allergens,
)
from orders.selectors.options import option_groups_of
from orders.services.catalogue import catalogue_cached, catalogue_keys
from orders.services.images import product_image_add

SEARCH_MAX_LENGTH = 100


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "slug", "description"]


class CategoryBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "slug"]


RENDITIONS_SCHEMA = {
    "type": "object",
    "description": "A WebP of the picture per width in pixels (the original until made).",
    "properties": {
        str(width): {"type": "string", "format": "uri"} for width in settings.IMAGE_RENDITION_WIDTHS
    },
}


class ProductImageSerializer(serializers.ModelSerializer):
    """A picture as absolute URLs: the kept original, and its renditions (the original's
    URL until they are made)."""

    url = serializers.SerializerMethodField()
    renditions = serializers.SerializerMethodField()

    class Meta:
        model = ProductImage
        fields = ["url", "alt", "width", "height", "renditions"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, image: ProductImage) -> str:
        return self._absolute(image.url)

    @extend_schema_field(RENDITIONS_SCHEMA)
    def get_renditions(self, image: ProductImage) -> dict[str, str]:
        return {width: self._absolute(url) for width, url in image.rendition_urls().items()}

    def _absolute(self, url: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class ProductImageUploadSerializer(serializers.Serializer):
    image = serializers.FileField(
        allow_empty_file=True,
        help_text="A JPEG, PNG or WebP picture, at most IMAGE_MAX_BYTES and 40 megapixels.",
    )
    alt = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="Empty: the product's name."
    )


class CanEditCatalogue(BasePermission):
    def has_permission(self, request, view):
        return request.user.has_perm(permissions.EDIT_CATALOGUE)


ALLERGENS_SCHEMA = {
    "type": "object",
    "nullable": True,
    "description": 'null when the allergens are not known: "ask the shop".',
    "properties": {
        part: {"type": "array", "items": {"type": "string", "enum": list(ALLERGEN_KEYS)}}
        for part in ("contains", "may_contain")
    },
}


@extend_schema_field(ALLERGENS_SCHEMA)
class AllergensField(serializers.ReadOnlyField):
    """{contains: [...], may_contain: [...]} as allergen keys, or null when unknown."""


@extend_schema_field(
    {"type": "array", "items": {"type": "string", "enum": list(SUITABLE_FOR_KEYS)}}
)
class SuitableForField(serializers.Field):
    def to_representation(self, mask: int) -> list[str]:
        return [entry.key for entry in suitable_for_of(mask)]


class FoodInformationSerializer(serializers.Serializer):
    """The food information of a product, as the product and the cart APIs give it."""

    allergens = AllergensField()
    ingredients = serializers.CharField(read_only=True)
    suitable_for = SuitableForField(read_only=True)


class ProductSerializer(serializers.ModelSerializer):
    category = CategoryBriefSerializer(read_only=True)
    allergens = AllergensField()
    suitable_for = SuitableForField(read_only=True)
    images = ProductImageSerializer(source="pictures", many=True, read_only=True)
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
            "images",
            "allergens",
            "ingredients",
            "suitable_for",
            "allows_message",
            "message_max_length",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_currency(self, product: Product) -> str:
        return settings.SHOP_CURRENCY


class OptionChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Send it in the cart's `options`.")
    name = serializers.CharField()
    price_change = serializers.DecimalField(
        max_digits=10, decimal_places=2, help_text="Added to the product's price (may be < 0)."
    )


class OptionGroupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    required = serializers.BooleanField(help_text="Exactly one choice; else at most one.")
    choices = OptionChoiceSerializer(source="choice_list", many=True)


class ProductDetailSerializer(ProductSerializer):
    option_groups = serializers.SerializerMethodField()

    class Meta(ProductSerializer.Meta):
        fields = [*ProductSerializer.Meta.fields, "option_groups"]

    @extend_schema_field(OptionGroupSerializer(many=True))
    def get_option_groups(self, product: Product) -> list:
        groups = option_groups_of(product_ids=[product.pk]).get(product.pk, [])
        return OptionGroupSerializer(groups, many=True).data


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

    exclude_allergens = django_filters.CharFilter(
        method="filter_exclude_allergens",
        help_text="Comma-separated allergen keys (milk,eggs): leaves out every product that "
        "contains or may contain one of them, and every product whose allergens are unknown. "
        "An unknown key is a 400.",
    )

    class Meta:
        model = Product
        fields = ["category", "search", "exclude_allergens"]

    def filter_category(self, queryset, name, value):
        category = category_find(key=value)
        if category is None:
            raise ValidationError({"category": [f"There is no category {value!r}."]})
        return queryset.filter(category=category)

    def filter_exclude_allergens(self, queryset, name, value):
        try:
            keys = allergen_keys_parse([value])
        except ValueError as error:
            raise ValidationError({"exclude_allergens": [str(error)]}) from None
        return products_without_allergens(queryset, keys=keys)

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

    def get_serializer_class(self):
        return ProductDetailSerializer if self.action == "retrieve" else ProductSerializer

    def filter_queryset(self, queryset):
        # The filters narrow the list; a product's own page is found by its slug alone.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def list(self, request, *args, **kwargs):
        return self._cached(request, super().list, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return self._cached(request, super().retrieve, *args, **kwargs)

    @extend_schema(
        request={"multipart/form-data": ProductImageUploadSerializer},
        responses={201: ProductImageSerializer},
        summary="Add a picture to a product (managers)",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="images",
        parser_classes=[MultiPartParser],
        permission_classes=[IsAuthenticated, CanEditCatalogue],
    )
    def images(self, request, slug=None):
        """Add a picture, last among the product's; a product not for sale takes one too."""
        product = product_find_for_staff(slug=slug)
        if product is None:
            raise NotFound("No such product.")
        upload = ProductImageUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        image = product_image_add(
            product=product,
            upload=upload.validated_data["image"],
            alt=upload.validated_data.get("alt", ""),
        )
        return Response(
            ProductImageSerializer(image, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    def _cached(self, request, view, *args, **kwargs):
        """The same for every caller, so one cached reply per address and per value of the
        parameters the view reads: its filters and the page (see catalogue_cached). Kept
        as the JSON it is sent as: a cached reply is neither decoded nor rendered again."""
        body = catalogue_cached(
            self._cache_name(request),
            lambda: JSONRenderer().render(view(request, *args, **kwargs).data),
            found=getattr(request, "read_ahead", None),
        )
        return HttpResponse(body, content_type=JSONRenderer.media_type)

    def cache_read_ahead(self, request) -> Sequence[str]:
        """The cached reply's keys, read by the throttle in its round trip (config.throttling)."""
        if self.action not in ("list", "retrieve"):
            return []
        return catalogue_keys(self._cache_name(request))

    def _cache_name(self, request) -> str:
        reads = [*self.filterset_class.base_filters, self.paginator.page_query_param]
        return f"api json {request.get_host()} " + request_keep_only(
            request, reads if self.action == "list" else []
        )
