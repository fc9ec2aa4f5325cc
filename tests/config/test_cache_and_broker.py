"""The cache and the Celery broker live in separate Redis databases: clearing the cache
never drops a queued task (issue 24)."""

import pytest
import redis
from django.conf import settings
from django.core.cache import cache

from config.celery import app as celery_app
from tests.config.settings_probe import settings_of, settings_values


def test_the_cache_takes_another_database_of_redis_url_unless_cache_url_names_one():
    values = settings_values({"REDIS_URL": "redis://:pw@10.0.0.5:6380/3"}, "CACHE_URL")
    assert values["CACHE_URL"] == "redis://:pw@10.0.0.5:6380/11"
    assert settings_values({"REDIS_URL": "redis://10.0.0.5:6379"}, "CACHE_URL") == {
        "CACHE_URL": "redis://10.0.0.5:6379/8"
    }
    named = {"REDIS_URL": "redis://10.0.0.5:6379/0", "CACHE_URL": "redis://cache.example:6379/0"}
    assert settings_values(named, "CACHE_URL")["CACHE_URL"] == "redis://cache.example:6379/0"


def test_a_cache_url_in_the_brokers_database_is_refused_at_start():
    result = settings_of(
        {"REDIS_URL": "redis://10.0.0.5:6379/2", "CACHE_URL": "redis://10.0.0.5:6379/2"},
        "CACHE_URL",
    )
    assert result.returncode != 0
    assert "CACHE_URL and the Celery broker share a Redis database" in result.stderr


@pytest.mark.redis
@pytest.mark.django_db
def test_clearing_the_cache_keeps_the_tasks_queued_for_the_worker(real_worker_mode):
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete("celery")
    try:
        celery_app.tasks["notifications.tasks.queue_due_deliveries"].delay()
        assert broker.llen("celery") == 1
        cache.set("catalogue:probe", "cached")
        cache.clear()
        assert cache.get("catalogue:probe") is None
        assert broker.llen("celery") == 1
    finally:
        broker.delete("celery")
