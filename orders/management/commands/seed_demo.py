from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import seed_users
from orders.demo import seed_catalogue, seed_delivery_zones, seed_opening_hours
from orders.demo_pictures import seed_pictures


class Command(BaseCommand):
    help = (
        "Load the demo data: users of each role, a catalogue with pictures, opening hours and "
        "the slots they give, delivery zones. Safe to run again."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        lines = [
            *seed_users(),
            *seed_catalogue(),
            *seed_pictures(),
            *seed_opening_hours(),
            *seed_delivery_zones(),
        ]
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        for line in lines:
            self.stdout.write(f"  {line}")
