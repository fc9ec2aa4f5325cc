from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from notifications.schedules import SCHEDULES

EVERY = {"minute": "*", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}


class Command(BaseCommand):
    help = "Create or update the periodic jobs in django-celery-beat. Safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        for name, (task, fields) in SCHEDULES.items():
            crontab, _ = CrontabSchedule.objects.get_or_create(
                timezone=settings.TIME_ZONE,
                **{**EVERY, **fields},
            )
            _, created = PeriodicTask.objects.update_or_create(
                name=name, defaults={"task": task, "crontab": crontab, "interval": None}
            )
            self.stdout.write(f"{'created' if created else 'updated'}: {name} -> {task}")
