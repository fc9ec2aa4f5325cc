"""An order's state and money are written by orders.services alone (the one door)."""

import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.test import Client

from orders.admin.orders import OrderAdmin
from orders.models import Order
from orders.models.orders import GUARDED_FIELDS
from tests.factories import UserFactory, place_order
from tests.orders.staff_helpers import change_form_data
from tests.payment_helpers import post_sandbox_webhook, sandbox_body, start_payment

S = Order.Status


@pytest.mark.django_db
def test_status_and_money_cannot_be_written_outside_the_services():
    order = place_order()

    with pytest.raises(ImproperlyConfigured, match="status"):
        Order.objects.filter(pk=order.pk).update(status=S.PAID)
    with pytest.raises(ImproperlyConfigured, match="paid_at, total"):
        Order.objects.filter(pk=order.pk).update(total=0, paid_at=None)
    order.status = S.COMPLETED
    with pytest.raises(ImproperlyConfigured):
        order.save()
    order.contact_name = "Ada"
    order.save(update_fields=["contact_name"])

    assert Order.objects.filter(pk=order.pk, status=S.PENDING_PAYMENT, contact_name="Ada").exists()


def test_the_order_admin_edits_no_guarded_field():
    assert GUARDED_FIELDS - {"coupon_id"} <= set(OrderAdmin.readonly_fields)


@pytest.mark.django_db
def test_an_admin_edit_saves_only_the_contact_fields_it_edits(client):
    order = place_order()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = f"/admin/orders/order/{order.pk}/change/"

    response = client.post(url, change_form_data(client.get(url), contact_phone="+447700900123"))

    assert response.status_code == 302
    saved = Order.objects.get(pk=order.pk)
    assert (saved.contact_phone, saved.status, saved.total) == (
        "+447700900123",
        S.PENDING_PAYMENT,
        order.total,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_admin_save_racing_a_payment_webhook_never_loses_the_payment(monkeypatch):
    """The webhook commits after the admin read the order and before it saved: the admin
    once wrote the whole row back, status `pending_payment` and no paid_at included."""
    order = place_order()
    payment = start_payment(order)
    admin = Client()
    admin.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = f"/admin/orders/order/{order.pk}/change/"
    data = change_form_data(admin.get(url), contact_name="Ada Lovelace")
    answers = []

    def webhook():
        answers.append(post_sandbox_webhook(Client(), sandbox_body(payment)).status_code)
        connections.close_all()

    save_model = OrderAdmin.save_model

    def save_after_the_webhook(self, request, obj, form, change):
        paying = threading.Thread(target=webhook)
        paying.start()
        paying.join(timeout=30)
        return save_model(self, request, obj, form, change)

    monkeypatch.setattr(OrderAdmin, "save_model", save_after_the_webhook)

    assert admin.post(url, data).status_code == 302

    assert answers == [200]
    saved = Order.objects.get(pk=order.pk)
    assert (saved.status, saved.contact_name) == (S.PAID, "Ada Lovelace")
    assert saved.paid_at is not None
