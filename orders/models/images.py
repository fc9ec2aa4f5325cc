"""Product pictures: ordered, with alt text, and the renditions made from them."""

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Q

from orders.models.catalogue import Product


class ProductImage(models.Model):
    """One picture of a product; the first by position is its main one.

    `image` is the upload as kept: decoded, checked and re-encoded without metadata by
    orders.services.images, the only writer. `renditions` maps each width in
    IMAGE_RENDITION_WIDTHS (as a string) to the storage name of a WebP that wide, made by a
    task after commit; empty until then.
    """

    class Renditions(models.TextChoices):
        PENDING = "pending", "Waiting to be made"
        MAKING = "making", "Being made"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to="products/", max_length=200)
    alt = models.CharField(
        "alt text",
        max_length=200,
        blank=True,
        help_text="What the picture shows, for people who cannot see it. Empty: the "
        "product's name.",
    )
    position = models.PositiveIntegerField(default=0, help_text="Lower comes first.")
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    renditions = models.JSONField(default=dict, blank=True, editable=False)
    renditions_status = models.CharField(
        max_length=10, choices=Renditions.choices, default=Renditions.PENDING, editable=False
    )
    renditions_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    renditions_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    renditions_error = models.CharField(max_length=500, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(width__gt=0, height__gt=0), name="product_image_has_size"
            ),
        ]
        indexes = [
            models.Index(fields=["product", "position"], name="product_image_order"),
            models.Index(
                fields=["renditions_status"],
                condition=~Q(renditions_status="ready"),
                name="product_image_unrendered",
            ),
        ]

    def __str__(self):
        return self.alt or f"Picture of {self.product_id}"

    @property
    def url(self) -> str:
        return self.image.url

    @property
    def ready(self) -> bool:
        return self.renditions_status == self.Renditions.READY and bool(self.renditions)

    def rendition_urls(self) -> dict[str, str]:
        """Each rendition width's URL; the original's until the renditions are made."""
        if not self.ready:
            return {str(width): self.url for width in settings.IMAGE_RENDITION_WIDTHS}
        return {
            width: default_storage.url(name)
            for width, name in sorted(self.renditions.items(), key=lambda item: int(item[0]))
        }

    @property
    def srcset(self) -> str:
        """The renditions for <img srcset>; empty until they are made."""
        if not self.ready:
            return ""
        return ", ".join(f"{url} {width}w" for width, url in self.rendition_urls().items())

    @property
    def src(self) -> str:
        """What <img src> shows where srcset is not understood: a middle-sized rendition."""
        return self.rendition_urls()["400"] if self.ready else self.url
