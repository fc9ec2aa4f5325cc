from django.conf import settings
from django.core.management.base import BaseCommand

from orders.services.hours import slots_generate


class Command(BaseCommand):
    help = (
        "Create the slots of the coming days from the opening hours (closed days get none). "
        "Safe to run again: existing slots are left as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.SLOT_HORIZON_DAYS,
            help="How many days ahead, from today (default SLOT_HORIZON_DAYS).",
        )

    def handle(self, *args, days, **options):
        created = slots_generate(days=days)
        self.stdout.write(
            self.style.SUCCESS(f"Created {created} slot(s) for the next {days} days.")
        )
