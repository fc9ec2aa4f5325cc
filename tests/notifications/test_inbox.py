"""The inbox in the API and on the page: only your own, unread counts, reading, preferences."""

import pytest

from notifications.models import Kind, Notification, Preference
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _note(user, title="Order ORD-1 is placed", **kwargs):
    return Notification.objects.create(
        recipient=user, kind=Kind.ORDER_PLACED, title=title, body="Thank you.", **kwargs
    )


@pytest.fixture
def me(api_client):
    user = UserFactory()
    api_client.force_authenticate(user)
    return user


def test_the_api_lists_only_my_notifications_newest_first(api_client, me):
    first, second = _note(me, "first"), _note(me, "second")
    _note(UserFactory(), "someone else's")

    body = api_client.get("/api/v1/notifications/").json()

    assert [n["id"] for n in body["results"]] == [second.pk, first.pk]
    assert body["results"][0]["read"] is False


def test_an_order_notification_names_the_order_and_its_api_url(api_client, me):
    _note(me, "about an order", link="/orders/ORD-2026-000123/")
    _note(me, "about the inbox", link="/notifications/preferences/")
    _note(me, "no link")

    about_order, about_inbox, plain = reversed(
        api_client.get("/api/v1/notifications/").json()["results"]
    )

    assert about_order["link"] == "/orders/ORD-2026-000123/"
    assert about_order["order"] == "ORD-2026-000123"
    assert about_order["api_url"] == "http://testserver/api/v1/orders/ORD-2026-000123/"
    assert (about_inbox["order"], about_inbox["api_url"]) == (None, None)
    assert (plain["order"], plain["api_url"]) == (None, None)


def test_unread_count_read_one_and_read_all(api_client, me):
    one, _ = _note(me), _note(me)
    assert api_client.get("/api/v1/notifications/unread-count/").json() == {"unread": 2}

    reply = api_client.post(f"/api/v1/notifications/{one.pk}/read/")
    assert reply.status_code == 200
    assert reply.json()["read"] is True
    assert api_client.get("/api/v1/notifications/unread-count/").json() == {"unread": 1}

    assert api_client.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    assert api_client.get("/api/v1/notifications/unread-count/").json() == {"unread": 0}


@pytest.mark.parametrize("pk", ["theirs", "999999", "abc", "1" * 30])
def test_someone_elses_or_no_notification_is_a_404(api_client, me, pk):
    theirs = _note(UserFactory())
    target = theirs.pk if pk == "theirs" else pk
    response = api_client.post(f"/api/v1/notifications/{target}/read/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_preferences_read_and_change_per_kind(api_client, me):
    body = api_client.get("/api/v1/notifications/preferences/").json()
    assert body["email"]["order_placed"] is True
    assert "daily_report" not in body["email"]  # customers get no sales reports

    reply = api_client.put(
        "/api/v1/notifications/preferences/", {"email": {"order_placed": False}}, format="json"
    )

    assert reply.status_code == 200
    assert reply.json()["email"]["order_placed"] is False
    assert Preference.objects.get(user=me, kind="order_placed").email is False


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": {"daily_report": False}}, "kind"),
        ({"email": {"no_such_kind": True}}, "kind"),
        ({"email": {"order_placed": "maybe"}}, "email.order_placed"),
        ({"email": []}, "email"),
        ({}, "email"),
    ],
)
def test_bad_preferences_are_a_400_naming_the_field_and_change_nothing(
    api_client, me, payload, field
):
    reply = api_client.put("/api/v1/notifications/preferences/", payload, format="json")
    assert reply.status_code == 400
    assert reply.json()["field"] == field
    assert not Preference.objects.exists()


def test_the_api_needs_a_signed_in_user(api_client):
    assert api_client.get("/api/v1/notifications/").status_code == 401


def test_the_nav_badge_counts_unread_without_javascript(client):
    user = UserFactory()
    _note(user), _note(user)
    client.force_login(user)
    page = client.get("/").content.decode()
    assert 'aria-label="2 unread notifications"' in page
    assert 'hx-get="/notifications/badge/"' in page
    assert "2 unread" in client.get("/notifications/badge/").content.decode()


def test_the_inbox_page_reads_one_and_all(client):
    user = UserFactory()
    one = _note(user, "Payment received", link="/orders/ORD-1/")
    _note(user, "Order is ready")
    client.force_login(user)

    page = client.get("/notifications/").content.decode()
    assert "Payment received" in page and "Order is ready" in page

    opened = client.post(f"/notifications/{one.pk}/read/", {"open": "1"})
    assert opened["Location"] == "/orders/ORD-1/"
    one.refresh_from_db()
    assert one.read_at is not None

    client.post("/notifications/read-all/")
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_someone_elses_notification_is_a_404_on_the_page(client):
    theirs = _note(UserFactory())
    client.force_login(UserFactory())
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404


def test_the_preferences_page_turns_emails_off(client):
    user = UserFactory()
    client.force_login(user)
    assert "Order placed" in client.get("/notifications/preferences/").content.decode()
    client.post("/notifications/preferences/", {"email": ["payment_received"]})
    off = set(Preference.objects.filter(user=user, email=False).values_list("kind", flat=True))
    assert "order_placed" in off
    assert "payment_received" not in off


def test_the_export_carries_my_notifications(api_client, me):
    _note(me, "Order ORD-9 is placed")
    export = api_client.get("/api/v1/me/export/").json()
    assert [n["title"] for n in export["notifications"]] == ["Order ORD-9 is placed"]
