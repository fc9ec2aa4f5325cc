"""Drill: a worker killed (SIGKILL) in the middle of sending an email. After a restart the
email is delivered exactly once."""

import socket
import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from config.celery import task_queue
from notifications.models import Delivery
from notifications.services import SEND_TASK, deliveries_queue_due
from tests.drills.workers import kill, processes, service_env, wait_for, worker_args
from tests.factories import place_order

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def silent_smtp():
    """A mail server that takes the connection and never answers: a send hangs in it."""
    server = socket.create_server(("127.0.0.1", 0))
    connected = threading.Event()
    held = []

    def accept():
        try:
            while True:
                held.append(server.accept()[0])
                connected.set()
        except OSError:
            return  # closed at teardown

    threading.Thread(target=accept, daemon=True).start()
    yield server.getsockname()[1], connected
    server.close()
    for conn in held:
        conn.close()


def test_a_worker_killed_mid_send_delivers_the_email_once_after_a_restart(
    monkeypatch, real_worker_mode, silent_smtp, empty_queue, tmp_path
):
    from notifications import services

    monkeypatch.setattr(services, "task_queue", lambda *args: None)  # queued below, by hand
    order = place_order()
    monkeypatch.undo()
    delivery = Delivery.objects.get()
    smtp_port, connected = silent_smtp
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()

    with processes() as start:
        first = start(
            worker_args("first"),
            env=service_env(EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}"),
            log=tmp_path / "first.log",
        )
        task_queue(SEND_TASK, delivery.pk)
        assert connected.wait(timeout=60), (tmp_path / "first.log").read_text()
        delivery.refresh_from_db()
        assert delivery.status == Delivery.Status.SENDING  # claimed, mid-send
        kill(first)

        start(
            worker_args("second"),
            env=service_env(EMAIL_URL=f"filemail://{mail_dir}"),
            log=tmp_path / "second.log",
        )
        # Beat's sweep, once the delivery has been stuck long enough to call its worker dead.
        later = timezone.now() + services.DELIVERY_STUCK_AFTER + timedelta(minutes=1)
        assert deliveries_queue_due(now=later) == 1
        wait_for(lambda: Delivery.objects.get().status == Delivery.Status.SENT)
        # The same task delivered again (the broker's redelivery, or a second sweep) sends nothing.
        task_queue(SEND_TASK, delivery.pk)
        assert deliveries_queue_due(now=later) == 0

    (sent,) = list(mail_dir.iterdir())
    assert f"Subject: [Orderly] Order {order.number} is placed" in sent.read_text()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 2)
