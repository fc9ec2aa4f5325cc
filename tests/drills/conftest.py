import pytest

from config.celery import app as celery_app


@pytest.fixture
def empty_queue():
    """The test's Redis queue starts and ends empty: no task left by an earlier run (or by a
    worker the test killed, whose message would wait an hour in the unacked set) reaches
    this test's workers."""

    def empty():
        celery_app.control.purge()
        with celery_app.connection_for_write() as conn:
            conn.default_channel.client.delete("unacked", "unacked_index")

    empty()
    yield
    empty()
