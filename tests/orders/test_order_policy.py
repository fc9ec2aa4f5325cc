"""orders.policy: one answer to "may this user see / pay / cancel / fulfil / refund this
order", the same through the service, the API and the pages."""

import pytest
from rest_framework.test import APIClient

from orders.errors import (
    CancelNotAllowed,
    OrderNotFound,
    PaymentNotAllowed,
    RefundNotAllowed,
    TransitionNotAllowed,
)
from orders.models import Order
from orders.policy import Action, order_allows, order_may
from orders.services.payments import payment_start
from orders.services.transitions import order_cancel, order_transition
from tests.factories import UserFactory, fulfilment_staff, place_order
from tests.orders.staff_helpers import role_member

pytestmark = pytest.mark.django_db

S = Order.Status


def test_a_stranger_is_told_nothing_whatever_they_ask():
    order = place_order()
    stranger = UserFactory()
    for action in Action:
        with pytest.raises(OrderNotFound):
            order_allows(order=order, user=stranger, action=action)
        assert not order_may(order=order, user=stranger, action=action)


def test_each_action_has_its_one_refusal():
    order = order_transition(order=place_order(), to=S.PAID, by=None)
    customer, staff = order.user, fulfilment_staff()

    order_allows(order=order, user=customer, action=Action.SEE)
    with pytest.raises(PaymentNotAllowed, match="only an order waiting for payment"):
        order_allows(order=order, user=customer, action=Action.PAY)
    with pytest.raises(PaymentNotAllowed, match="Only the customer"):
        order_allows(order=place_order(), user=staff, action=Action.PAY)
    with pytest.raises(TransitionNotAllowed, match="Only shop staff"):
        order_allows(order=order, user=customer, action=Action.FULFIL)
    with pytest.raises(RefundNotAllowed, match="Only managers"):
        order_allows(order=order, user=staff, action=Action.REFUND)
    order_allows(order=order, user=role_member("manager"), action=Action.REFUND)
    completed = order_transition(order=order, to=S.PREPARING, by=staff)
    completed = order_transition(order=completed, to=S.READY, by=staff)
    completed = order_transition(order=completed, to=S.COMPLETED, by=staff)
    with pytest.raises(CancelNotAllowed, match="cannot be cancelled"):
        order_allows(order=completed, user=staff, action=Action.CANCEL)


def test_the_services_and_the_api_refuse_a_stranger_alike():
    order = place_order()
    stranger = UserFactory()
    api = APIClient()
    api.force_authenticate(stranger)

    with pytest.raises(OrderNotFound):
        order_cancel(order=order, by=stranger)
    with pytest.raises(OrderNotFound):
        payment_start(order=order, by=stranger, return_url="http://testserver/")
    assert api.post(f"/api/v1/orders/{order.number}/cancel/").status_code == 404
    assert api.post(f"/api/v1/orders/{order.number}/pay/").status_code == 404
    assert Order.objects.get(pk=order.pk).status == S.PENDING_PAYMENT
