"""Any failure to send an email is a failed attempt: retried with a doubling wait, given up
after the limit and logged at ERROR. Nothing stays "sending" for ever."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from notifications import services
from notifications.models import Delivery, Kind
from notifications.services import deliveries_queue_due, delivery_send, notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_stock_of_a_name_with_a_newline(django_capture_on_commit_callbacks):
    """A product name with CR/LF (issue 35): Django refuses it as an email header."""
    manager = UserFactory(email="boss@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipient=manager,
            kind=Kind.LOW_STOCK,
            title="Low stock: Rye\r\nBcc: everyone@example.com",
            body="3 left",
        )
    return Delivery.objects.get()


def _a_wait_later() -> None:
    Delivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_a_header_django_refuses_is_a_failed_attempt_retried_later(
    low_stock_of_a_name_with_a_newline, mailoutbox
):
    delivery = low_stock_of_a_name_with_a_newline
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == 1
    assert "newlines" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now()
    assert mailoutbox == []

    _a_wait_later()
    assert deliveries_queue_due() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 2)


def test_after_the_last_attempt_it_gives_up_and_says_so_at_error(
    low_stock_of_a_name_with_a_newline, caplog
):
    for _ in range(services.DELIVERY_MAX_ATTEMPTS - 1):
        _a_wait_later()
        deliveries_queue_due()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (
        Delivery.Status.GAVE_UP,
        services.DELIVERY_MAX_ATTEMPTS,
    )
    assert delivery.next_attempt_at is None
    gave_up = [r for r in caplog.records if "gave up" in r.getMessage()]
    assert [r.levelno for r in gave_up] == [logging.ERROR]
    _a_wait_later()
    assert deliveries_queue_due() == 0


def test_an_unexpected_error_while_sending_is_an_attempt_too(monkeypatch, mailoutbox):
    def broken_template(delivery):
        raise KeyError("a template variable went missing")

    monkeypatch.setattr(services, "_email", broken_template)
    notify(recipient=UserFactory(), kind=Kind.ORDER_PLACED, title="Placed", body="ok")
    delivery = Delivery.objects.get()
    assert delivery_send(delivery_id=delivery.pk) is False
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert "a template variable went missing" in delivery.last_error


def test_an_attempt_that_never_finished_counts_and_the_last_one_gives_up(caplog):
    notify(recipient=UserFactory(), kind=Kind.ORDER_PLACED, title="Placed", body="ok")
    stuck_since = timezone.now() - services.DELIVERY_STUCK_AFTER - timedelta(minutes=1)
    Delivery.objects.update(
        status=Delivery.Status.SENDING,
        attempts=services.DELIVERY_MAX_ATTEMPTS,
        claimed_at=stuck_since,
    )
    assert deliveries_queue_due() == 0
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.GAVE_UP
    assert "did not finish" in delivery.last_error
    assert any(r.levelno == logging.ERROR for r in caplog.records)
