from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from notifications.schedules import SCHEDULES

EVERY = {"minute": "*", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}


class Command(BaseCommand):
    help = (
        "Create the periodic jobs missing from django-celery-beat. Jobs that exist are left "
        "as they are, so an admin's edits survive every deploy. Safe to run again."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        for name, (task, fields, expires) in SCHEDULES.items():
            if PeriodicTask.objects.filter(name=name).exists():
                self.stdout.write(f"kept: {name}")
                continue
            crontab, _ = CrontabSchedule.objects.get_or_create(
                timezone=settings.TIME_ZONE, **{**EVERY, **fields}
            )
            PeriodicTask.objects.create(
                name=name, task=task, crontab=crontab, expire_seconds=expires
            )
            self.stdout.write(f"created: {name} -> {task}")
