"""Admin as a manager and a superuser meet it on the first day: the scheduled jobs, one date
and time format, one "Accounts" section."""

import re
from datetime import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from tests.factories import UserFactory, place_order
from tests.orders.staff_helpers import role_member

pytestmark = pytest.mark.django_db


def test_managers_read_the_scheduled_jobs_and_when_each_last_ran(client):
    call_command("setup_schedules")
    job = PeriodicTask.objects.order_by("name").first()
    job.last_run_at = datetime(2026, 12, 5, 22, 18, tzinfo=timezone.get_current_timezone())
    job.save()
    client.force_login(role_member("manager"))

    listing = client.get("/admin/django_celery_beat/periodictask/")
    detail = client.get(f"/admin/django_celery_beat/periodictask/{job.pk}/change/")
    changed = client.post(
        f"/admin/django_celery_beat/periodictask/{job.pk}/change/", {"name": "x", "enabled": ""}
    )

    page = listing.content.decode()
    assert listing.status_code == 200
    assert job.name in page and "5 Dec 2026, 22:18" in page
    assert 'name="action"' not in page  # no enable, disable or run now
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert changed.status_code == 403
    assert PeriodicTask.objects.get(pk=job.pk).name == job.name
    assert (
        'href="/admin/django_celery_beat/periodictask/"' in client.get("/admin/").content.decode()
    )


def test_staff_do_not_see_the_scheduled_jobs(client):
    client.force_login(role_member("staff"))
    assert client.get("/admin/django_celery_beat/periodictask/").status_code == 403


def test_admin_writes_every_date_and_time_one_way(client):
    order = place_order()
    client.force_login(role_member("manager"))

    listing = client.get("/admin/orders/order/").content.decode()
    detail = client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()

    placed = timezone.localtime(order.placed_at)
    assert f"{placed.day} {placed:%b %Y, %H:%M}" in listing
    for page in (listing, detail):
        assert not re.search(r"\d(:\d\d)? ?[ap]\.m\.", page), re.search(
            r".{40}[ap]\.m\..{10}", page
        )


def test_a_superuser_sees_one_accounts_section(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    page = client.get("/admin/").content.decode()

    captions = re.findall(r"<caption>\s*<a[^>]*>([^<]+)</a>", page)
    assert captions.count("Accounts") == 1, captions
    assert "Users" in captions
