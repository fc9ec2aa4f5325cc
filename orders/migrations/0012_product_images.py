"""Products get ordered pictures with alt text (ProductImage); a product's one `image`
becomes its first picture, whose renditions the sweep then makes."""

import django.db.models.deletion
from django.db import migrations, models


def images_from_product_field(apps, schema_editor):
    """Each product's image, where its file can still be read, as its first picture."""
    from django.core.files.storage import default_storage
    from PIL import Image

    Product = apps.get_model("orders", "Product")
    ProductImage = apps.get_model("orders", "ProductImage")
    for product in Product.objects.exclude(image="").only("pk", "name", "image").iterator():
        try:
            with default_storage.open(product.image.name, "rb") as stored, Image.open(stored) as picture:
                width, height = picture.size
        except Exception:  # a file gone or unreadable: nothing to show anyway
            continue
        ProductImage.objects.create(
            product=product, image=product.image.name, alt=product.name, width=width, height=height
        )


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0011_slot_is_open'),
    ]

    operations = [
        migrations.CreateModel(
            name='ProductImage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('image', models.ImageField(max_length=200, upload_to='products/')),
                ('alt', models.CharField(blank=True, help_text="What the picture shows, for people who cannot see it. Empty: the product's name.", max_length=200, verbose_name='alt text')),
                ('position', models.PositiveIntegerField(default=0, help_text='Lower comes first.')),
                ('width', models.PositiveIntegerField(editable=False)),
                ('height', models.PositiveIntegerField(editable=False)),
                ('renditions', models.JSONField(blank=True, default=dict, editable=False)),
                ('renditions_status', models.CharField(choices=[('pending', 'Waiting to be made'), ('making', 'Being made'), ('ready', 'Ready'), ('failed', 'Failed')], default='pending', editable=False, max_length=10)),
                ('renditions_attempts', models.PositiveSmallIntegerField(default=0, editable=False)),
                ('renditions_claimed_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('renditions_error', models.CharField(blank=True, editable=False, max_length=500)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('product', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='images', to='orders.product')),
            ],
            options={
                'ordering': ['position', 'pk'],
                'indexes': [models.Index(fields=['product', 'position'], name='product_image_order'), models.Index(condition=models.Q(('renditions_status', 'ready'), _negated=True), fields=['renditions_status'], name='product_image_unrendered')],
                'constraints': [models.CheckConstraint(condition=models.Q(('height__gt', 0), ('width__gt', 0)), name='product_image_has_size')],
            },
        ),
        migrations.RunPython(images_from_product_field, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='product',
            name='image',
        ),
    ]
