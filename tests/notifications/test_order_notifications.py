"""Each order event notifies the right people, in the inbox and by email, once."""

import smtplib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from notifications.models import Delivery, Kind, Notification, Preference
from notifications.services import (
    daily_report_csv,
    daily_report_send,
    deliveries_queue_due,
    delivery_send,
    slot_reminders_send,
)
from orders.models import Order, Slot
from orders.models.orders import order_door
from orders.services.stock import stock_adjust
from orders.services.transitions import order_cancel, order_transition
from tests.factories import (
    CartFactory,
    CartLineFactory,
    OptionChoiceFactory,
    OptionGroupFactory,
    ProductFactory,
    SlotFactory,
    UserFactory,
    fulfilment_staff,
    place_order,
)
from tests.payment_helpers import post_sandbox_webhook, sandbox_body, start_payment

pytestmark = pytest.mark.django_db

S = Order.Status


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what is queued after commit (the email tasks), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _role(name, **kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=name))
    return type(user).objects.get(pk=user.pk)


def _kinds(user):
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_placing_an_order_notifies_the_customer_by_inbox_and_email(committed, mailoutbox):
    user = UserFactory(email="ada@example.com")
    with committed():
        order = place_order(user=user)

    notification = Notification.objects.get(recipient=user)
    assert notification.kind == Kind.ORDER_PLACED
    assert notification.link == f"/orders/{order.number}/"
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["ada@example.com"]
    assert mail.subject == f"[Orderly] Order {order.number} is placed"
    assert f"http://127.0.0.1:8000/orders/{order.number}/" in mail.body
    html = mail.alternatives[0][0]
    assert "Orderly" in html and "testserver" not in html
    assert Delivery.objects.get().status == Delivery.Status.SENT


def test_the_order_email_names_the_vat_in_the_total(committed, mailoutbox):
    wine = ProductFactory(price=Decimal("8.99"), tax_rate=Decimal("0.2"))
    with committed():
        place_order(products=[wine], quantity=2)  # 17.98 pickup, VAT 2.9967 -> 3.00

    (mail,) = mailoutbox
    assert "Thank you for your order of £17.98 incl. £3.00 VAT for" in mail.body


def _cake_order(user):
    """One cake sliced and of a size, with a message that looks like markup, and a plain bun."""
    cake = ProductFactory(name="Sponge cake", allows_message=True)
    size = OptionChoiceFactory(group=OptionGroupFactory(product=cake, name="Size"), name="Large")
    sliced = OptionChoiceFactory(group=OptionGroupFactory(product=cake, name="Cut"), name="Sliced")
    cart = CartFactory(user=user)
    CartLineFactory(
        cart=cart,
        product=cake,
        choices_key=f"{size.pk},{sliced.pk}",
        message="<b>Happy</b> 7th, Jo & Al",
    )
    return place_order(user=user, products=[ProductFactory(name="Bun")])


def test_the_order_and_payment_emails_list_the_lines_with_options_and_message(
    committed, mailoutbox, client
):
    user = UserFactory()
    with committed():
        order = _cake_order(user)
    with committed():
        post_sandbox_webhook(client, sandbox_body(start_payment(order)))

    placed, paid = mailoutbox
    assert "is placed" in placed.subject and "Payment received" in paid.subject
    for mail in (placed, paid):
        assert (
            "\n\n- 1 x Sponge cake (Size: Large, Cut: Sliced)"
            " - Message: “<b>Happy</b> 7th, Jo & Al”\n- 1 x Bun\n\n"
        ) in mail.body
        html = mail.alternatives[0][0]
        assert (
            "<li>1 &times; Sponge cake (Size: Large, Cut: Sliced)<br>"
            "Message: “&lt;b&gt;Happy&lt;/b&gt; 7th, Jo &amp; Al”</li><li>1 &times; Bun</li>"
        ) in html
        assert "<b>Happy" not in html


def test_other_emails_about_the_order_list_no_lines(committed, mailoutbox):
    user = UserFactory()
    order = _cake_order(user)
    with committed():
        order_cancel(order=order, by=user)

    (mail,) = mailoutbox
    assert "is cancelled" in mail.subject
    assert "Sponge cake" not in mail.body and "<li>" not in mail.alternatives[0][0]


def test_a_payment_tells_the_customer_and_staff_hear_in_the_shop_only(
    committed, mailoutbox, client
):
    staff = fulfilment_staff()
    order = place_order()
    payment = start_payment(order)
    mailoutbox.clear()
    with committed():
        post_sandbox_webhook(client, sandbox_body(payment))

    assert _kinds(order.user)[0] == Kind.PAYMENT_RECEIVED
    assert _kinds(staff) == [Kind.NEW_PAID_ORDER]
    assert [m.to for m in mailoutbox] == [[order.user.email]]


@pytest.mark.parametrize(
    ("kind", "to", "title"),
    [("pickup", S.READY, "is ready for pickup"), ("delivery", S.OUT_FOR_DELIVERY, "on its way")],
)
def test_fulfilment_tells_the_customer(kind, to, title):
    staff = fulfilment_staff()
    order = place_order(slot=SlotFactory(kind=kind))
    order = order_transition(order=order, to=S.PAID, by=None)
    order = order_transition(order=order, to=S.PREPARING, by=staff)
    order_transition(order=order, to=to, by=staff)

    latest = Notification.objects.filter(recipient=order.user).first()
    assert title in latest.title


def test_a_cancel_says_who_cancelled_and_what_happens_to_the_money(client, committed):
    order = place_order()
    payment = start_payment(order)
    post_sandbox_webhook(client, sandbox_body(payment))
    with committed():
        order_cancel(order=Order.objects.get(pk=order.pk), by=fulfilment_staff())

    kinds = _kinds(order.user)
    assert kinds[:2] == [Kind.ORDER_REFUNDED, Kind.ORDER_CANCELLED]
    cancelled = Notification.objects.get(recipient=order.user, kind=Kind.ORDER_CANCELLED)
    assert cancelled.body.startswith("The shop cancelled")
    assert f"£{order.total} will be refunded" in cancelled.body
    refunded = Notification.objects.get(recipient=order.user, kind=Kind.ORDER_REFUNDED)
    assert f"£{order.total}" in refunded.body


def test_an_unpaid_order_cancelled_by_its_customer_costs_nothing():
    order = place_order()
    order_cancel(order=order, by=order.user)
    cancelled = Notification.objects.get(recipient=order.user, kind=Kind.ORDER_CANCELLED)
    assert cancelled.body.startswith("You cancelled")
    assert "You were not charged." in cancelled.body


def test_an_expired_order_tells_the_customer():
    order = place_order()
    order_transition(order=order, to=S.EXPIRED, by=None)
    assert _kinds(order.user)[0] == Kind.ORDER_EXPIRED


def test_an_email_turned_off_still_shows_in_the_inbox(committed, mailoutbox):
    user = UserFactory()
    Preference.objects.create(user=user, kind=Kind.ORDER_PLACED, email=False)
    with committed():
        place_order(user=user)
    assert _kinds(user) == [Kind.ORDER_PLACED]
    assert mailoutbox == []
    assert not Delivery.objects.exists()


def test_a_change_that_rolls_back_notifies_nobody(committed, mailoutbox):
    order = place_order()
    Notification.objects.all().delete()
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        order_transition(order=order, to=S.PAID, by=None)
        raise RuntimeError("the payment could not be recorded")
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_with_the_broker_down_the_order_is_placed_and_the_sweep_sends_it_later(
    committed, mailoutbox, monkeypatch
):
    from notifications import services

    def broker_down(name, *args):
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(services, "task_queue", broker_down)
    with committed():
        order = place_order()
    assert Order.objects.filter(pk=order.pk).exists()
    assert Delivery.objects.get().status == Delivery.Status.PENDING
    assert mailoutbox == []

    monkeypatch.undo()
    assert deliveries_queue_due() == 1
    assert Delivery.objects.get().status == Delivery.Status.SENT
    assert len(mailoutbox) == 1


def test_a_failing_delivery_is_retried_with_its_attempts_and_error_recorded(
    committed, mailoutbox, monkeypatch
):
    from django.core.mail import EmailMultiAlternatives

    real_send = EmailMultiAlternatives.send
    calls = []

    def flaky(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", flaky)
    with committed():
        place_order()

    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED
    assert (delivery.attempts, delivery.last_error) == (1, "Connection unexpectedly closed")
    assert deliveries_queue_due() == 0  # waits a minute first

    Delivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))  # a minute on
    assert deliveries_queue_due() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 2, "")
    assert len(mailoutbox) == 1


def test_a_delivery_already_sent_is_not_sent_again(committed, mailoutbox):
    with committed():
        place_order()
    delivery = Delivery.objects.get()
    assert delivery_send(delivery_id=delivery.pk) is False
    assert len(mailoutbox) == 1


def test_a_slot_reminder_goes_once_per_paid_order_an_hour_before(committed, mailoutbox):
    soon = SlotFactory(kind="pickup", starts_at=timezone.now() + timedelta(hours=2))
    later = SlotFactory(kind="pickup", starts_at=timezone.now() + timedelta(hours=3))
    paid = order_transition(order=place_order(slot=soon), to=S.PAID, by=None)
    unpaid = place_order(slot=soon)
    not_yet = order_transition(order=place_order(slot=later), to=S.PAID, by=None)
    # Booked while booking was open; now the slot starts in 50 minutes.
    Slot.objects.filter(pk=soon.pk).update(starts_at=timezone.now() + timedelta(minutes=50))

    with committed():
        assert slot_reminders_send() == 1
        assert slot_reminders_send() == 0

    assert Notification.objects.filter(kind=Kind.SLOT_REMINDER).get().recipient == paid.user
    assert Kind.SLOT_REMINDER not in _kinds(unpaid.user) + _kinds(not_yet.user)


def test_the_daily_report_goes_to_managers_with_a_csv_that_adds_up(committed, mailoutbox):
    manager = _role("manager", email="boss@example.com")
    yesterday = timezone.localdate() - timedelta(days=1)
    paid_at = timezone.make_aware(
        timezone.datetime.combine(yesterday, timezone.datetime.min.time())
    ) + timedelta(hours=10)
    orders = [place_order(products=[ProductFactory(price=Decimal(p))]) for p in ("2.50", "7.25")]
    for order in orders:
        order = order_transition(order=order, to=S.PAID, by=None)
        with order_door():  # paid yesterday
            Order.objects.filter(pk=order.pk).update(paid_at=paid_at)
    unpaid = place_order()
    mailoutbox.clear()

    with committed():
        assert daily_report_send() == 1
        assert daily_report_send() == 0

    csv_text, count, total = daily_report_csv(day=yesterday)
    expected = sum(Order.objects.get(pk=o.pk).total for o in orders)
    assert (count, total) == (2, expected)
    assert unpaid.number not in csv_text
    rows = [line.split(",") for line in csv_text.strip().splitlines()]
    assert sum(Decimal(row[8]) for row in rows[1:-1]) == Decimal(rows[-1][8]) == expected
    assert rows[0][-1] == "prices" and [row[-1] for row in rows[1:-1]] == ["incl. VAT"] * 2
    (mail,) = mailoutbox
    assert mail.to == ["boss@example.com"]
    (name, content, mimetype) = mail.attachments[0]
    assert (name, mimetype) == (f"sales-{yesterday.isoformat()}.csv", "text/csv")
    assert content == csv_text
    assert Kind.DAILY_REPORT in _kinds(manager)


def test_managers_hear_of_low_stock_once_per_crossing():
    manager = _role("manager")
    loaf = ProductFactory(name="Spelt loaf", stock=7, low_stock_threshold=5)

    place_order(products=[loaf], quantity=1)  # 6 left: above the threshold
    assert Kind.LOW_STOCK not in _kinds(manager)
    crossing = place_order(products=[loaf], quantity=2)  # 4 left: crossed
    still_low = place_order(products=[loaf], quantity=1)  # 3 left: still low, no news
    assert _kinds(manager).count(Kind.LOW_STOCK) == 1
    assert "Only 4 of Spelt loaf" in Notification.objects.get(kind=Kind.LOW_STOCK).body

    order_cancel(order=crossing, by=crossing.user)  # 5 left: at the threshold, still low
    order_cancel(order=still_low, by=still_low.user)  # 6 left: above it again
    assert _kinds(manager).count(Kind.LOW_STOCK) == 1
    place_order(products=[loaf], quantity=2)  # 4 left: a second crossing
    assert _kinds(manager).count(Kind.LOW_STOCK) == 2


def test_a_restock_re_arms_the_low_stock_alert_for_the_next_crossing():
    manager = _role("manager")
    loaf = ProductFactory(name="Spelt loaf", stock=6, low_stock_threshold=5)
    place_order(products=[loaf], quantity=2)  # 4 left: crossed
    assert _kinds(manager).count(Kind.LOW_STOCK) == 1

    stock_adjust(product=loaf, delta=20, reason="delivery", by=manager)  # 24: well above
    place_order(products=[loaf], quantity=20)  # 4 left: crossed again

    assert _kinds(manager).count(Kind.LOW_STOCK) == 2
    assert "Only 4 of Spelt loaf" in Notification.objects.filter(kind=Kind.LOW_STOCK).first().body


def test_a_correction_that_stays_low_does_not_re_arm_it():
    manager = _role("manager")
    loaf = ProductFactory(name="Spelt loaf", stock=6, low_stock_threshold=5)
    place_order(products=[loaf], quantity=3)  # 3 left: crossed

    stock_adjust(product=loaf, delta=1, reason="count", by=manager)  # 4: still low
    place_order(products=[loaf], quantity=1)

    assert _kinds(manager).count(Kind.LOW_STOCK) == 1
