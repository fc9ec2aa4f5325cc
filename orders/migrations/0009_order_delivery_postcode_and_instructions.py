from django.db import migrations, models


def copy_from_addresses(apps, schema_editor):
    """Orders placed before these fields hold their address only as text: find the saved
    address that text was copied from (same first line, same "city postcode" line) and copy
    its postcode and instructions. An order whose address was since edited or deleted keeps
    them empty and sorts first in its run."""
    Order = apps.get_model("orders", "Order")
    Address = apps.get_model("accounts", "Address")
    orders = Order.objects.filter(kind="delivery", delivery_postcode="").exclude(
        delivery_address=""
    )
    for order in orders.only("pk", "user_id", "delivery_address").iterator():
        lines = order.delivery_address.splitlines()
        for address in Address.objects.filter(user_id=order.user_id):
            if address.line1 in lines and f"{address.city} {address.postcode}" in lines:
                Order.objects.filter(pk=order.pk).update(
                    delivery_postcode=address.postcode,
                    delivery_instructions=address.instructions,
                )
                break


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_countries_and_phone_numbers"),
        ("orders", "0008_search_trigram_cost"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="delivery_postcode",
            field=models.CharField(
                blank=True,
                help_text="The address's postcode: delivery runs sort by it.",
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="order",
            name="delivery_instructions",
            field=models.CharField(
                blank=True,
                help_text="The address's instructions for the driver.",
                max_length=300,
            ),
        ),
        migrations.RunPython(copy_from_addresses, migrations.RunPython.noop, elidable=True),
    ]
