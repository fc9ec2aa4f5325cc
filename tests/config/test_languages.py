"""English and German: what a German customer reads, on pages, in the API, in emails sent
later by a worker, and in the catalogue; and the catalogue of German strings is complete."""

import datetime
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.core import mail
from django.test import Client
from django.utils import translation

from accounts.models import User
from notifications.models import Delivery
from notifications.services import delivery_send
from orders.models import Order
from orders.money import date_text, money_text
from orders.selectors.catalogue import product_list
from orders.services.catalogue import catalogue_changed
from orders.services.transitions import order_transition
from tests.factories import (
    CategoryFactory,
    ProductFactory,
    SlotFactory,
    UserFactory,
    place_order,
)

ROOT = Path(__file__).resolve().parents[2]
# What makemessages reads: the apps and the templates (tests, bench and docs hold none).
SOURCES = ["config", "accounts", "orders", "notifications", "templates", "manage.py"]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _back_to_english():
    """A German request leaves German active in the thread (LocaleMiddleware sets it per
    request): the next test's factories would write German fields."""
    translation.activate("en")
    yield
    translation.activate("en")


def _german(client=None) -> Client:
    return client or Client(HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,en;q=0.5")


# --- The catalogue of German strings -------------------------------------------------------


@pytest.mark.django_db(databases=[])
def test_every_marked_string_has_german_and_none_is_fuzzy(tmp_path):
    """makemessages over a copy of the sources, merged into the committed catalogues: a string
    marked since the last update comes out empty, a changed one fuzzy, and both fail here
    (README, "Translations", says how to add the German)."""
    if shutil.which("msgfmt") is None or shutil.which("xgettext") is None:
        pytest.fail("gettext is not installed (apt-get install gettext): it builds the catalogues")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    run = [sys.executable, "manage.py"]
    for command in (
        ["makemessages", "-l", "de", "--no-obsolete", "--add-location=file"],
        ["compilemessages", "-l", "de"],
    ):
        done = subprocess.run(
            run + command, cwd=tmp_path, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
    catalogues = sorted(tmp_path.glob("*/locale/de/LC_MESSAGES/django.po"))
    assert {path.parts[-5] for path in catalogues} >= {"config", "orders", "accounts"}
    untranslated = []
    for path in catalogues:
        with path.open("rb") as po:
            catalogue = read_po(po)
        for message in catalogue:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy or not all(strings):
                untranslated.append(f"{path.relative_to(tmp_path)}: {message.id!r}")
    assert untranslated == [], "German missing or fuzzy:\n" + "\n".join(untranslated)


# --- Pages and the API answer in the visitor's language ------------------------------------


def test_a_german_browser_gets_the_shop_in_german():
    ProductFactory(name="Sourdough loaf")
    response = _german().get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Language"] == "de"
    assert "Accept-Language" in response["Vary"]
    assert '<html lang="de">' in html
    assert "In den Warenkorb" in html and "Add to cart" not in html
    english = Client().get("/").content.decode()
    assert "Add to cart" in english and "In den Warenkorb" not in english


def test_api_errors_are_german_for_accept_language_de_and_keep_their_code():
    user = UserFactory()
    english, german = Client(), _german()
    for client in (english, german):
        client.force_login(user)
    body = {"product": ProductFactory().pk, "quantity": 0}
    replies = [
        c.post("/api/v1/cart/items/", body, content_type="application/json")
        for c in (english, german)
    ]
    assert [r.status_code for r in replies] == [400, 400]
    assert replies[0].json()["code"] == replies[1].json()["code"] == "quantity_too_small"
    assert replies[0].json()["detail"] == "Quantity must be at least 1."
    assert replies[1].json()["detail"] == "Die Menge muss mindestens 1 sein."
    # DRF's own messages too, with the same code.
    anonymous = [c.get("/api/v1/cart/") for c in (Client(), Client(HTTP_ACCEPT_LANGUAGE="de"))]
    assert anonymous[0].json()["code"] == anonymous[1].json()["code"]
    assert anonymous[0].json()["detail"] != anonymous[1].json()["detail"]
    assert "Anmeldedaten" in anonymous[1].json()["detail"]


def test_the_switcher_works_without_javascript_and_keeps_the_page():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "de", "next": "/cart/"})
    assert response.status_code == 302 and response["Location"] == "/cart/"
    assert client.cookies["django_language"].value == "de"
    assert "Ihr Warenkorb" in client.get("/cart/").content.decode()
    # Every page carries the switcher, a plain form.
    page = client.get("/").content.decode()
    assert 'action="/i18n/setlang/"' in page and 'name="language" value="en"' in page


def test_the_switcher_keeps_a_signed_in_customers_choice_for_later_emails():
    user = UserFactory()
    client = Client()
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    user.refresh_from_db()
    assert user.language == "de"
    assert client.post("/i18n/setlang/", {"language": "fr", "next": "/"}).status_code == 302
    user.refresh_from_db()
    assert user.language == "de"


def test_signing_in_applies_the_language_kept_on_the_profile():
    user = UserFactory(language="de", password="a long enough password 1")
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": user.email, "password": "a long enough password 1"}
    )
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "de"
    assert "Ihre Bestellungen" in client.get("/orders/").content.decode()


def test_signing_up_keeps_the_language_of_the_page(client):
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    page = client.get("/accounts/signup/")
    assert "Registrieren" in page.content.decode()
    client.post(
        "/accounts/signup/",
        {
            "email": "neu@example.com",
            "password1": "ein langes Passwort 7",
            "password2": "ein langes Passwort 7",
        },
    )
    assert User.objects.get(email="neu@example.com").language == "de"


def test_the_profile_page_and_the_account_api_set_the_language():
    user = UserFactory()
    client = Client()
    client.force_login(user)
    response = client.post("/account/", {"name": user.name, "phone": "", "language": "de"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "de"
    user.refresh_from_db()
    assert user.language == "de"
    api = Client()
    api.force_login(user)
    reply = api.patch("/api/v1/me/", {"language": "en"}, content_type="application/json")
    assert reply.status_code == 200 and reply.json()["language"] == "en"
    refused = api.patch("/api/v1/me/", {"language": "fr"}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["field"] == "language"
    user.refresh_from_db()
    assert user.language == "en"


# --- Emails sent later are in the customer's language ---------------------------------------


def test_a_worker_emails_a_german_customer_in_german_whatever_its_own_language(
    settings, django_capture_on_commit_callbacks
):
    settings.SHOP_CURRENCY = "EUR"
    customer = UserFactory(language="de")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        order = place_order(user=customer, products=[ProductFactory(price=Decimal("12.50"))])
    message = next(m for m in mail.outbox if order.number in m.subject)
    assert message.subject.endswith(f"Bestellung {order.number} ist aufgegeben")
    assert "Vielen Dank für Ihre Bestellung über 12,50\xa0€" in message.body
    assert "Abholung am" in message.body
    html = message.alternatives[0][0]
    assert '<html lang="de">' in html and "Bestellung ansehen" in html
    # A retry by a worker whose language is English renders the same German email.
    delivery = Delivery.objects.get(notification__recipient=customer)
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.PENDING)
    with translation.override("en"):
        assert delivery_send(delivery_id=delivery.pk)
    assert "Sie erhalten diese E-Mail" in mail.outbox[-1].body


def test_an_english_customer_still_gets_english(django_capture_on_commit_callbacks):
    customer = UserFactory(language="en")
    with translation.override("de"), django_capture_on_commit_callbacks(execute=True):
        order = place_order(user=customer)
    message = next(m for m in mail.outbox if order.number in m.subject)
    assert message.subject.endswith(f"Order {order.number} is placed")


def test_a_guest_who_checked_out_in_german_is_emailed_in_german_later_too(
    settings, django_capture_on_commit_callbacks
):
    """A guest has no profile: the language they checked out in is kept on the order, for
    the emails that staff's changes and workers send them later."""
    settings.GUEST_CHECKOUT = True
    bread = ProductFactory(name="Sourdough loaf", stock=5)
    slot = SlotFactory(kind="pickup", capacity=5)
    guest = Client(HTTP_ACCEPT_LANGUAGE="de")
    assert guest.post("/cart/add/", {"product": bread.pk, "quantity": 1}).status_code == 302
    form = {
        "token": "guest-in-german",
        "slot": slot.pk,
        "kind": "pickup",
        "email": "sam@example.com",
        "name": "Sam Baker",
        "phone": "020 7946 0000",
        "coupon": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert guest.post("/checkout/", form).status_code == 302
    order = Order.objects.get()
    assert order.user is None and order.guest_language == "de"
    (placed,) = mail.outbox
    assert placed.subject.endswith(f"Bestellung {order.number} ist aufgegeben")
    assert "als Gast bestellt" in placed.body

    staff = UserFactory(language="en", is_superuser=True)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        order_transition(order=order, to=Order.Status.CANCELLED, by=staff)
    cancelled = mail.outbox[-1]
    assert cancelled.to == ["sam@example.com"]
    assert cancelled.subject.endswith(f"Bestellung {order.number} ist storniert")
    assert f"Der Shop hat die Bestellung {order.number} storniert." in cancelled.body
    assert "als Gast bestellt" in cancelled.body and "ordered from" not in cancelled.body


# --- Product texts ---------------------------------------------------------------------------


def test_a_product_without_german_falls_back_to_english_and_the_api_answers_in_german():
    translated = ProductFactory(name="Apple cake", name_de="Apfelkuchen", description="Sweet")
    ProductFactory(name="Flat white")
    german = Client(HTTP_ACCEPT_LANGUAGE="de")
    names = {p["name"] for p in german.get("/api/v1/products/").json()["results"]}
    assert names == {"Apfelkuchen", "Flat white"}
    detail = german.get(f"/api/v1/products/{translated.slug}/").json()
    assert detail["name"] == "Apfelkuchen" and detail["description"] == "Sweet"
    english = {p["name"] for p in Client().get("/api/v1/products/").json()["results"]}
    assert english == {"Apple cake", "Flat white"}


def test_cached_catalogue_pages_and_lists_are_kept_per_language():
    """The cache is warmed in one language first: the other never gets that copy."""
    ProductFactory(name="Apple cake", name_de="Apfelkuchen")
    catalogue_changed()
    for first, second in (("en", "de"), ("de", "en")):
        pages = {}
        for language in (first, second, first):
            client = Client(HTTP_ACCEPT_LANGUAGE=language)
            pages.setdefault(language, []).append(
                (client.get("/").content.decode(), client.get("/api/v1/products/").json())
            )
        for html, data in pages["de"]:
            assert "Apfelkuchen" in html and "Apple cake" not in html
            assert data["results"][0]["name"] == "Apfelkuchen"
        for html, data in pages["en"]:
            assert "Apple cake" in html and "Apfelkuchen" not in html
            assert data["results"][0]["name"] == "Apple cake"


def test_a_german_visitor_never_gets_the_english_cached_product_page():
    """The product page is cached whole for visitors (as the catalogue page): one copy per
    language, whichever language warms it first."""
    ProductFactory(name="Apple cake", name_de="Apfelkuchen", slug="apple-cake")
    catalogue_changed()
    for first, second in (("en", "de"), ("de", "en")):
        catalogue_changed()
        pages = {}
        for language in (first, second, first, second):
            reply = Client(HTTP_ACCEPT_LANGUAGE=language).get("/products/apple-cake/")
            assert reply.status_code == 200
            assert "Accept-Language" in reply["Vary"]
            pages.setdefault(language, []).append(reply)
        assert not pages[first][1].templates  # the second visit is the cached copy
        for reply in pages["de"]:
            html = reply.content.decode()
            assert "Apfelkuchen" in html and "Apple cake" not in html
            assert 'lang="de"' in html
        for reply in pages["en"]:
            html = reply.content.decode()
            assert "Apple cake" in html and "Apfelkuchen" not in html


@pytest.mark.postgres
def test_german_search_finds_german_words_with_the_german_configuration():
    bread = CategoryFactory(name="Bread", name_de="Brot")
    roll = ProductFactory(
        category=bread,
        name="Rye roll",
        name_de="Roggenbrötchen",
        description="With grains",
        description_de="Mit Körnern",
    )
    ProductFactory(name="Flat white", name_de="Flat White")
    german = Client(HTTP_ACCEPT_LANGUAGE="de")
    for words in ("Körner", "brötchen", "Brot"):
        found = german.get("/api/v1/products/", {"search": words}).json()["results"]
        assert [p["slug"] for p in found] == [roll.slug], words
    english = Client().get("/api/v1/products/", {"search": "Körner"}).json()["results"]
    assert english == []
    assert [p["slug"] for p in Client().get("/api/v1/products/?search=grains").json()["results"]]


def test_german_search_finds_a_part_of_a_german_name_on_any_database():
    ProductFactory(name="Rye roll", name_de="Roggenbrötchen")
    ProductFactory(name="Flat white")
    with translation.override("de"):
        assert [p.name for p in product_list(search="roggen")] == ["Roggenbrötchen"]
        # An untranslated product is found by its English name, which German pages show.
        assert [p.name for p in product_list(search="white")] == ["Flat white"]


# --- Money and dates ---------------------------------------------------------------------------


@pytest.mark.django_db(databases=[])
@pytest.mark.parametrize(
    ("language", "currency", "amount", "money", "day"),
    [
        ("en", "GBP", "1212.5", "£1,212.50", "5 December 2026"),
        ("en", "EUR", "12.5", "€12.50", "5 December 2026"),
        ("de", "EUR", "12.5", "12,50\xa0€", "5. Dezember 2026"),
        ("de", "GBP", "1212.5", "1.212,50\xa0£", "5. Dezember 2026"),
    ],
)
def test_money_and_dates_are_written_for_the_language(
    settings, language, currency, amount, money, day
):
    settings.SHOP_CURRENCY = currency
    amount = Decimal(amount)
    with translation.override(language):
        assert money_text(amount) == money
        assert date_text(datetime.date(2026, 12, 5)) == day


def test_the_order_page_shows_german_money_and_dates(settings):
    settings.SHOP_CURRENCY = "EUR"
    customer = UserFactory(language="de")
    order = place_order(user=customer, products=[ProductFactory(price=Decimal("12.50"))])
    client = _german()
    client.force_login(customer)
    html = client.get(order.get_absolute_url()).content.decode()
    assert f"Bestellung {order.number}" in html
    assert "12,50\xa0€" in html
    assert "Wartet auf Zahlung" in html
