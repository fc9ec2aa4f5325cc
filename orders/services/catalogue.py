"""Saving catalogue edits without touching stock, which only stock movements and orders change."""

from django.db import transaction

from orders.models import Product

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
