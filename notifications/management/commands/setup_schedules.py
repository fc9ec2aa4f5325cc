from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from notifications.schedules import SCHEDULES

EVERY = {"minute": "*", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
# Written in the job's description beside the schedule this command set: a job whose
# schedule no longer matches it was changed in admin, and is kept.
STAMP = "Schedule set by setup_schedules from the settings: "


def _stamp(crontab: CrontabSchedule | None) -> str:
    if crontab is None:
        return STAMP + "none"
    fields = (crontab.minute, crontab.hour, crontab.day_of_month, crontab.month_of_year)
    return f"{STAMP}{' '.join(fields)} {crontab.day_of_week} ({crontab.timezone})"


class Command(BaseCommand):
    help = (
        "Create the periodic jobs missing from django-celery-beat and update what the "
        "settings own in the others (task, expiry, schedule). A schedule changed in admin "
        "is kept, and so is a job's enabled switch. Safe to run again."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        for name, (task, fields, expires) in SCHEDULES.items():
            crontab, _ = CrontabSchedule.objects.get_or_create(
                timezone=settings.TIME_ZONE, **{**EVERY, **fields}
            )
            job = PeriodicTask.objects.select_for_update().filter(name=name).first()
            if job is None:
                PeriodicTask.objects.create(
                    name=name,
                    task=task,
                    crontab=crontab,
                    expire_seconds=expires,
                    description=_stamp(crontab),
                )
                self.stdout.write(f"created: {name} -> {task}")
                continue
            self.stdout.write(self._update(job, task=task, crontab=crontab, expires=expires))

    def _update(self, job, *, task, crontab, expires) -> str:
        # Jobs made before the stamp existed (no description) were made by this command.
        ours = job.description in {"", _stamp(job.crontab)}
        wanted = {"task": task, "expire_seconds": expires}
        if ours:
            wanted |= {"crontab": crontab, "description": _stamp(crontab)}
        changed = [field for field, value in wanted.items() if getattr(job, field) != value]
        if changed:
            for field in changed:
                setattr(job, field, wanted[field])
            job.save()
        note = "" if ours else " (its schedule, changed in admin, is kept)"
        return f"{'updated' if changed else 'kept'}: {job.name}{note}"
