import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from accounts.models import User
from notifications.schedules import SCHEDULES
from orders.models import Category, Coupon, Product, Slot

pytestmark = pytest.mark.django_db


def test_setup_schedules_creates_every_job_once_however_often_it_runs():
    call_command("setup_schedules")
    call_command("setup_schedules")
    tasks = PeriodicTask.objects.filter(name__in=SCHEDULES)
    assert tasks.count() == len(SCHEDULES)
    assert {t.task for t in tasks} == {task for task, _, _ in SCHEDULES.values()}
    minutely = tasks.get(name="expire unpaid orders")
    assert (minutely.crontab.minute, minutely.expire_seconds) == ("*", 50)


def test_setup_schedules_leaves_a_job_an_admin_edited_as_it_is():
    call_command("setup_schedules")
    report = PeriodicTask.objects.get(name="daily sales report")
    report.crontab.hour = "9"
    report.crontab.save()
    call_command("setup_schedules")
    assert PeriodicTask.objects.get(name="daily sales report").crontab.hour == "9"


def test_setup_schedules_leaves_a_job_an_admin_disabled_disabled():
    call_command("setup_schedules")
    PeriodicTask.objects.filter(name__in=SCHEDULES).update(enabled=False)
    call_command("setup_schedules")
    assert not PeriodicTask.objects.filter(name__in=SCHEDULES, enabled=True).exists()


def _report_at(monkeypatch, hour: int) -> None:
    """SCHEDULES as a process started with REPORT_HOUR=hour reads it."""
    task, fields, expires = SCHEDULES["daily sales report"]
    monkeypatch.setitem(
        SCHEDULES, "daily sales report", (task, {**fields, "hour": str(hour)}, expires)
    )


def _report_hour() -> str:
    return PeriodicTask.objects.get(name="daily sales report").crontab.hour


def test_setup_schedules_moves_the_report_when_report_hour_changes(monkeypatch, capsys):
    call_command("setup_schedules")
    _report_at(monkeypatch, 9)
    call_command("setup_schedules")
    assert _report_hour() == "9"
    assert "updated: daily sales report" in capsys.readouterr().out


def test_setup_schedules_updates_jobs_made_before_it_kept_track(monkeypatch):
    call_command("setup_schedules")
    PeriodicTask.objects.filter(name__in=SCHEDULES).update(description="")
    _report_at(monkeypatch, 6)
    call_command("setup_schedules")
    assert _report_hour() == "6"


def test_setup_schedules_keeps_a_schedule_changed_in_admin_but_updates_the_task(
    monkeypatch, capsys
):
    call_command("setup_schedules")
    report = PeriodicTask.objects.get(name="daily sales report")
    report.crontab = CrontabSchedule.objects.create(minute="30", hour="5", timezone="UTC")
    report.task = "notifications.tasks.an_old_name"
    report.save()
    _report_at(monkeypatch, 9)
    call_command("setup_schedules")
    report.refresh_from_db()
    assert (report.crontab.minute, report.crontab.hour) == ("30", "5")
    assert report.task == "notifications.tasks.send_daily_report"
    out = capsys.readouterr().out
    assert "updated: daily sales report (its schedule, changed in admin, is kept)" in out


def _demo_counts() -> dict[str, int]:
    models = (User, EmailAddress, Group, Category, Product, Slot, Coupon)
    return {model.__name__: model.objects.count() for model in models}


def test_seed_demo_can_run_twice(capsys):
    call_command("seed_demo")
    first = _demo_counts()
    call_command("seed_demo")

    assert _demo_counts() == first
    assert first["User"] == 3
    assert first["Product"] == 30
    assert first["Slot"] > 0
    assert "Demo data is ready." in capsys.readouterr().out
