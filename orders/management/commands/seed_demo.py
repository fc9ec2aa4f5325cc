from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import seed_users


class Command(BaseCommand):
    help = "Load the demo data: users of each role, a catalogue and slots. Safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        logins = seed_users()
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        for line in logins:
            self.stdout.write(f"  {line}")
