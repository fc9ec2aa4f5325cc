"""Options, line messages and the order note (SPEC §4 "Food information, options and notes")."""

import csv
import io
from datetime import datetime, time
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from orders.errors import NotEnoughStock, OptionsInvalid, OutOfStock
from orders.models import Cart, CartLine, OptionChoice, Order, Product
from orders.services import cart as cart_services
from orders.services.checkout import checkout_place
from orders.services.invoices import invoice_lines_draft
from orders.services.transitions import order_transition
from tests.factories import (
    PASSWORD,
    CartFactory,
    CartLineFactory,
    CouponFactory,
    OptionChoiceFactory,
    OptionGroupFactory,
    ProductFactory,
    SlotFactory,
    UserFactory,
    fulfilment_staff,
)

pytestmark = pytest.mark.django_db

NASTY = "<script>alert(1)</script> {{ 7|add:1 }}"


@pytest.fixture
def bakery():
    """A loaf sliced or whole, a cake of two sizes that takes a message, a plain bun."""
    loaf = ProductFactory(name="Sourdough", sku="BR-SOUR", price=Decimal("4.80"), stock=10)
    slicing = OptionGroupFactory(product=loaf, name="Slicing")
    whole = OptionChoiceFactory(group=slicing, name="Whole")
    sliced = OptionChoiceFactory(group=slicing, name="Sliced")
    cake = ProductFactory(
        name="Sponge cake",
        sku="CK-SPONGE",
        price=Decimal("18.00"),
        stock=5,
        allows_message=True,
        message_max_length=20,
        tax_rate=Decimal("0.2000"),
    )
    size = OptionGroupFactory(product=cake, name="Size", position=0)
    small = OptionChoiceFactory(group=size, name="6 inch")
    large = OptionChoiceFactory(group=size, name="8 inch", price_change=Decimal("6.00"))
    candles = OptionGroupFactory(product=cake, name="Candles", required=False, position=1)
    candle = OptionChoiceFactory(group=candles, name="Number candles", price_change=Decimal("1.50"))
    bun = ProductFactory(name="Bun", sku="BUN", price=Decimal("2.00"), stock=10)
    return SimpleNamespace(**locals())


def _api(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client


def _add(client, **body):
    return client.post("/api/v1/cart/items/", {"quantity": 1, **body}, format="json")


def _lines(user):
    return list(
        CartLine.objects.filter(cart__user=user)
        .order_by("pk")
        .values_list("product__sku", "choices_key", "message", "quantity")
    )


# --- the cart: a line per product, choices and message ------------------------------------


def test_other_choices_or_another_message_make_another_line_and_the_same_ones_merge(bakery):
    user = UserFactory()
    client = _api(user)
    b = bakery
    assert _add(client, product=b.loaf.pk, options=[b.sliced.pk]).status_code == 201
    assert _add(client, product=b.loaf.pk, options=[b.whole.pk]).status_code == 201
    assert _add(client, product=b.loaf.pk, options=[b.sliced.pk], quantity=2).status_code == 201
    assert _add(client, product=b.cake.pk, options=[b.large.pk], message="Happy birthday Sam")
    assert _add(client, product=b.cake.pk, options=[b.large.pk], message="Happy birthday Jo")
    # the order of the ids and the spaces round a message do not matter
    reply = _add(client, product=b.cake.pk, options=[b.candle.pk, b.large.pk], message=" Hi ")
    reply = _add(client, product=b.cake.pk, options=[b.large.pk, b.candle.pk], message="Hi")

    assert _lines(user) == [
        ("BR-SOUR", str(b.sliced.pk), "", 3),
        ("BR-SOUR", str(b.whole.pk), "", 1),
        ("CK-SPONGE", str(b.large.pk), "Happy birthday Sam", 1),
        ("CK-SPONGE", str(b.large.pk), "Happy birthday Jo", 1),
        ("CK-SPONGE", ",".join(sorted([str(b.large.pk), str(b.candle.pk)])), "Hi", 2),
    ]
    lines = reply.json()["lines"]
    assert lines[0]["options"] == [
        {"id": b.sliced.pk, "group": "Slicing", "choice": "Sliced", "price_change": "0.00"}
    ]
    assert [line["unit_price"] for line in lines] == ["4.80", "4.80", "24.00", "24.00", "25.50"]
    assert lines[2]["message"] == "Happy birthday Sam"
    assert reply.json()["total"] == str(Decimal("4.80") * 4 + 24 * 2 + Decimal("25.50") * 2)


def _refusals(b):
    other = OptionChoiceFactory(name="Another product's choice")
    return [
        ({"product": b.loaf.pk, "options": []}, "options"),  # a required group left out
        ({"product": b.loaf.pk, "options": [b.whole.pk, b.sliced.pk]}, "options"),
        ({"product": b.loaf.pk, "options": [other.pk]}, "options"),
        ({"product": b.loaf.pk, "options": [b.large.pk]}, "options"),  # the cake's
        ({"product": b.loaf.pk, "options": [b.whole.pk, b.whole.pk]}, "options"),
        ({"product": b.loaf.pk, "options": "sliced"}, "options"),
        ({"product": b.loaf.pk, "options": [True]}, "options"),
        ({"product": b.loaf.pk, "options": [b.whole.pk], "message": "Hi"}, "message"),
        ({"product": b.cake.pk, "options": [b.small.pk], "message": "x" * 21}, "message"),
        ({"product": b.cake.pk, "options": [b.small.pk], "message": "Hi\nthere"}, "message"),
        ({"product": b.cake.pk, "options": [b.small.pk], "message": "Hi\u2028there"}, "message"),
        ({"product": b.cake.pk, "options": [b.small.pk], "message": 5}, "message"),
    ]


def test_each_invalid_choice_or_message_is_a_400_naming_the_field_and_changes_nothing(bakery):
    user = UserFactory()
    client = _api(user)
    assert _add(client, product=bakery.bun.pk).status_code == 201
    before = _lines(user)
    for body, field in _refusals(bakery):
        reply = _add(client, **body)
        assert reply.status_code == 400, (body, reply.content)
        data = reply.json()
        assert data["field"].split(".")[0] == field, (body, data)
        assert _lines(user) == before


def test_choices_that_would_cost_less_than_nothing_are_refused(bakery):
    cheap = ProductFactory(price=Decimal("1.00"), stock=5)
    first = OptionChoiceFactory(group__product=cheap, price_change=Decimal("-0.80"))
    second = OptionChoiceFactory(
        group__product=cheap, group__required=False, price_change=Decimal("-0.50")
    )
    user = UserFactory()
    client = _api(user)
    assert _add(client, product=cheap.pk, options=[first.pk]).json()["total"] == "0.20"
    reply = _add(client, product=cheap.pk, options=[first.pk, second.pk])
    assert reply.status_code == 400
    assert reply.json()["field"] == "options"
    assert len(_lines(user)) == 1


def test_two_lines_of_one_product_draw_on_one_stock(bakery):
    cart = CartFactory(user=UserFactory())
    b = bakery
    Product.objects.filter(pk=b.loaf.pk).update(stock=3)
    cart_services.cart_add(cart=cart, product_id=b.loaf.pk, quantity=2, choice_ids=[b.sliced.pk])
    with pytest.raises(NotEnoughStock, match="you have 2 in your cart"):
        cart_services.cart_add(cart=cart, product_id=b.loaf.pk, quantity=2, choice_ids=[b.whole.pk])
    whole = cart_services.cart_add(
        cart=cart, product_id=b.loaf.pk, quantity=1, choice_ids=[b.whole.pk]
    )
    with pytest.raises(NotEnoughStock):
        cart_services.cart_line_update(cart=cart, line_id=whole.pk, quantity=2)
    assert sorted(CartLine.objects.values_list("quantity", flat=True)) == [1, 2]


def test_the_cart_flags_both_lines_when_together_they_ask_for_more_than_the_stock(bakery):
    user = UserFactory()
    cart = CartFactory(user=user)
    b = bakery
    CartLineFactory(cart=cart, product=b.loaf, quantity=6, choices_key=str(b.sliced.pk))
    CartLineFactory(cart=cart, product=b.loaf, quantity=6, choices_key=str(b.whole.pk))
    lines = _api(user).get("/api/v1/cart/").json()["lines"]
    assert [line["out_of_stock"] for line in lines] == [True, True]


def test_a_guests_lines_keep_their_choices_when_they_sign_in(client, bakery):
    b = bakery
    client.post(
        "/cart/add/", {"product": b.loaf.pk, "quantity": 1, f"option-{b.slicing.pk}": b.sliced.pk}
    )
    client.post(
        "/cart/add/", {"product": b.loaf.pk, "quantity": 1, f"option-{b.slicing.pk}": b.whole.pk}
    )
    user = UserFactory()
    CartLineFactory(cart=CartFactory(user=user), product=b.loaf, choices_key=str(b.sliced.pk))
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert not Cart.objects.filter(user__isnull=True).exists()
    assert sorted(_lines(user)) == sorted(
        [("BR-SOUR", str(b.sliced.pk), "", 2), ("BR-SOUR", str(b.whole.pk), "", 1)]
    )


def test_a_line_whose_options_changed_is_flagged_and_checkout_refuses_it(bakery):
    user = UserFactory()
    cart = CartFactory(user=user)
    CartLineFactory(cart=cart, product=bakery.loaf, choices_key=str(bakery.sliced.pk))
    bakery.sliced.delete()
    line = _api(user).get("/api/v1/cart/").json()["lines"][0]
    assert line["options_changed"] is True
    with pytest.raises(OptionsInvalid, match="Sourdough"):
        checkout_place(
            user=user, slot_id=SlotFactory(kind="pickup").pk, address_id=None, idempotency_key="k"
        )
    assert CartLine.objects.count() == 1
    assert not Order.objects.exists()


# --- the pages -----------------------------------------------------------------------


def test_the_product_page_offers_the_choices_as_radio_buttons_and_adds_them_without_js(
    client, bakery
):
    b = bakery
    page = client.get(f"/products/{b.cake.slug}/").content.decode()
    assert f'type="radio" name="option-{b.size.pk}" value="{b.large.pk}" required' in page
    assert "+£6.00" in page
    assert f'name="option-{b.candles.pk}" value="" checked' in page
    assert 'name="message" maxlength="20"' in page
    home = client.get("/").content.decode()
    assert f'href="/products/{b.cake.slug}/">Choose options' in home

    reply = client.post(
        "/cart/add/",
        {
            "product": b.cake.pk,
            "quantity": 2,
            f"option-{b.size.pk}": b.large.pk,
            f"option-{b.candles.pk}": "",
            "message": "Happy birthday Sam",
        },
    )
    assert reply.status_code == 302
    cart = client.get("/cart/").content.decode()
    assert "Size: 8 inch" in cart
    assert "“Happy birthday Sam”" in cart
    assert "£48.00" in cart


def test_a_refused_choice_on_the_page_says_why_and_adds_nothing(client, bakery):
    b = bakery
    reply = client.post(
        "/cart/add/",
        {"product": b.loaf.pk, "quantity": 1, f"option-{b.slicing.pk}": "x"},
        follow=True,
    )
    assert "Options must be a list of choice ids." in reply.content.decode()
    reply = client.post("/cart/add/", {"product": b.loaf.pk, "quantity": 1}, follow=True)
    assert "Choose a Slicing." in reply.content.decode()
    assert not CartLine.objects.exists()


# --- prices, checkout and the order ---------------------------------------------------------


def _checkout(user, *, kind="pickup", coupon="", note=""):
    order, _ = checkout_place(
        user=user,
        slot_id=SlotFactory(kind=kind).pk,
        address_id=None,
        coupon_code=coupon,
        idempotency_key="k",
        note=note,
    )
    return order


def _cake_cart(bakery):
    user = UserFactory()
    cart = CartFactory(user=user)
    b = bakery
    key = ",".join(sorted([str(b.large.pk), str(b.candle.pk)]))
    CartLineFactory(cart=cart, product=b.cake, quantity=2, choices_key=key, message="Sam")
    CartLineFactory(cart=cart, product=b.cake, quantity=1, choices_key=str(b.small.pk))
    return user


def test_option_prices_are_in_the_totals_with_tax_included(settings, bakery):
    settings.PRICES_INCLUDE_TAX = True
    order = _checkout(_cake_cart(bakery))
    # 2 x (18 + 6 + 1.50) + 1 x 18 = 69.00, of which 20% VAT 69 / 6 = 11.50
    assert (order.subtotal, order.tax, order.total) == (
        Decimal("69.00"),
        Decimal("11.50"),
        Decimal("69.00"),
    )
    unit_prices = list(order.lines.values_list("unit_price", flat=True))
    assert unit_prices == [Decimal("25.50"), Decimal("18.00")]


def test_option_prices_are_in_the_totals_with_tax_added(settings, bakery):
    settings.PRICES_INCLUDE_TAX = False
    order = _checkout(_cake_cart(bakery))
    assert (order.subtotal, order.tax, order.total) == (
        Decimal("69.00"),
        Decimal("13.80"),
        Decimal("82.80"),
    )


def test_a_coupon_takes_its_share_of_the_option_prices(settings, bakery):
    settings.PRICES_INCLUDE_TAX = True
    CouponFactory(code="TEN", kind="percent", value=Decimal("10"))
    order = _checkout(_cake_cart(bakery), coupon="TEN")
    # 10% of 69.00 = 6.90, shared 51.00 : 18.00 -> 5.10 and 1.80
    assert order.discount == Decimal("6.90")
    assert order.total == Decimal("62.10")
    assert list(order.lines.values_list("discount", flat=True)) == [
        Decimal("5.10"),
        Decimal("1.80"),
    ]


def test_checkout_sums_the_lines_of_one_product_against_its_stock(bakery):
    user = UserFactory()
    cart = CartFactory(user=user)
    b = bakery
    Product.objects.filter(pk=b.loaf.pk).update(stock=3)
    CartLineFactory(cart=cart, product=b.loaf, quantity=2, choices_key=str(b.sliced.pk))
    CartLineFactory(cart=cart, product=b.loaf, quantity=2, choices_key=str(b.whole.pk))
    with pytest.raises(OutOfStock, match="Sourdough: only 3 left"):
        _checkout(user)
    assert CartLine.objects.count() == 2
    assert Product.objects.get(pk=b.loaf.pk).stock == 3
    CartLine.objects.filter(choices_key=str(b.whole.pk)).update(quantity=1)
    order = _checkout(user)
    assert order.lines.count() == 2
    assert Product.objects.get(pk=b.loaf.pk).stock == 0


def test_the_order_keeps_the_choices_as_bought_when_the_product_changes(bakery):
    user = _cake_cart(bakery)
    order = _checkout(user, note="Leave with the neighbour")
    bakery.large.name = "Eight inch"
    bakery.large.price_change = Decimal("9.00")
    bakery.large.save()
    bakery.candles.delete()
    bakery.cake.delete()

    reply = _api(user).get(f"/api/v1/orders/{order.number}/").json()
    assert reply["note"] == "Leave with the neighbour"
    assert reply["lines"][0]["options"] == [
        {"group": "Size", "choice": "8 inch", "price_change": "6.00"},
        {"group": "Candles", "choice": "Number candles", "price_change": "1.50"},
    ]
    assert reply["lines"][0]["message"] == "Sam"
    assert reply["lines"][1]["options"][0]["choice"] == "6 inch"
    assert reply["lines"][0]["unit_price"] == "25.50"


def test_the_invoice_names_the_choices_in_the_line_description(bakery):
    order = _checkout(_cake_cart(bakery))
    lines = invoice_lines_draft(order=order, lines=order.lines.all())
    assert lines[0].description == "Sponge cake (Size: 8 inch, Candles: Number candles)"
    assert lines[1].description == "Sponge cake (Size: 6 inch)"


# --- the order note --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "note",
    ["x" * 501, "tab\there", "bell\x07", "line\u2028separator", 5, ["a"]],
)
def test_a_bad_note_is_a_400_naming_note_and_places_nothing(bakery, note):
    user = UserFactory()
    CartLineFactory(cart=CartFactory(user=user), product=bakery.bun)
    slot = SlotFactory(kind="pickup")
    reply = _api(user).post(
        "/api/v1/orders/",
        {"slot": slot.pk, "address": None, "note": note},
        format="json",
        headers={"Idempotency-Key": "k"},
    )
    assert reply.status_code == 400, reply.content
    assert reply.json()["field"] == "note"
    assert not Order.objects.exists()
    assert CartLine.objects.count() == 1


def test_a_note_of_500_characters_with_line_breaks_is_kept(bakery):
    user = UserFactory()
    CartLineFactory(cart=CartFactory(user=user), product=bakery.bun)
    # 501 characters as sent, 500 once the Windows line break is one "\n"
    note = "Leave with the neighbour\r\nat number 4" + "." * 464
    reply = _api(user).post(
        "/api/v1/orders/",
        {"slot": SlotFactory(kind="pickup").pk, "address": None, "note": note},
        format="json",
        headers={"Idempotency-Key": "k"},
    )
    assert reply.status_code == 201, reply.content
    assert Order.objects.get().note == note.replace("\r\n", "\n")
    assert len(Order.objects.get().note) == 500


def test_the_checkout_page_takes_a_note(client, bakery):
    user = UserFactory()
    CartLineFactory(cart=CartFactory(user=user), product=bakery.bun)
    client.force_login(user)
    page = client.get("/checkout/").content.decode()
    assert 'name="note"' in page and 'maxlength="500"' in page
    slot = SlotFactory(kind="pickup")
    client.post(
        "/checkout/",
        {"token": "t1", "slot": slot.pk, "address": "pickup", "note": "Ring twice\nplease"},
    )
    assert Order.objects.get().note == "Ring twice\nplease"


# --- staff: board, slip, prep list, runs; everything escaped --------------------------------


def _at(day, hour):
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def paid_order(bakery):
    """A paid delivery order today with a sliced loaf, a cake with a nasty message and note."""
    user = UserFactory(name="Sam")
    cart = CartFactory(user=user)
    b = bakery
    Product.objects.filter(pk=b.cake.pk).update(message_max_length=100)
    CartLineFactory(cart=cart, product=b.loaf, quantity=2, choices_key=str(b.sliced.pk))
    CartLineFactory(cart=cart, product=b.loaf, quantity=1, choices_key=str(b.whole.pk))
    CartLineFactory(cart=cart, product=b.cake, choices_key=str(b.large.pk), message=NASTY)
    CartLineFactory(cart=cart, product=b.cake, choices_key=str(b.large.pk), message="=1+1")
    from tests.factories import AddressFactory

    today = timezone.localdate()
    slot = SlotFactory(kind="delivery", starts_at=_at(today, 22), ends_at=_at(today, 23))
    order, _ = checkout_place(
        user=user,
        slot_id=slot.pk,
        address_id=AddressFactory(user=user).pk,
        idempotency_key="k",
        note=NASTY + "\n=1+1",
    )
    return order_transition(order=order, to=Order.Status.PAID, by=None)


def _escaped_everywhere(html: str) -> None:
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ 7|add:1 }}" in html  # shown as written, never rendered as a template


@pytest.mark.parametrize("page", ["board", "slip", "runs", "order"])
def test_the_note_and_messages_reach_staff_escaped(client, paid_order, page):
    staff = fulfilment_staff()
    client.force_login(paid_order.user if page == "order" else staff)
    url = {
        "board": "/staff/board/",
        "slip": f"/staff/orders/{paid_order.number}/slip/",
        "runs": "/staff/runs/",
        "order": f"/orders/{paid_order.number}/",
    }[page]
    html = client.get(url).content.decode()
    _escaped_everywhere(html)
    if page != "runs":
        assert "Slicing: Sliced" in html and "Slicing: Whole" in html
        assert "Size: 8 inch" in html
        assert "“=1+1”" in html


def test_the_prep_list_has_a_row_per_product_and_choices_with_the_messages(client, paid_order):
    client.force_login(fulfilment_staff())
    html = client.get("/staff/prep/").content.decode()
    _escaped_everywhere(html)
    assert "Slicing: Sliced" in html and "Slicing: Whole" in html

    reply = client.get("/api/v1/staff/prep/").json()
    rows = [(p["sku"], p["options"], p["quantity"]) for p in reply["products"]]
    assert (
        rows
        == [
            ("BR-SOUR", [{"group": "Slicing", "choice": "Sliced"}], 2),
            ("BR-SOUR", [{"group": "Slicing", "choice": "Whole"}], 1),
            ("CK-SPONGE", [{"group": "Size", "choice": "8 inch"}], 2),
        ]
        or sorted(rows) == rows
    )
    cake = next(p for p in reply["products"] if p["sku"] == "CK-SPONGE")
    assert [m["message"] for m in cake["messages"]] == [NASTY, "=1+1"]
    assert cake["messages"][0]["order"] == paid_order.number


def test_the_staff_csvs_neutralise_a_formula_in_a_note_or_message(client, paid_order):
    client.force_login(fulfilment_staff())
    runs = list(csv.reader(io.StringIO(client.get("/staff/runs/?format=csv").content.decode())))
    note = runs[1][runs[0].index("Note")]
    assert note.startswith("<script>") and "=1+1" in note
    prep = list(csv.reader(io.StringIO(client.get("/staff/prep/?format=csv").content.decode())))
    cake = next(row for row in prep if row[1] == "CK-SPONGE")
    assert cake[prep[0].index("Options")] == "Size: 8 inch"
    messages = cake[prep[0].index("Messages")]
    assert "=1+1" in messages and not messages.startswith("=")


def test_a_note_that_starts_with_a_formula_is_neutralised_in_the_runs_csv(client, bakery):
    user = UserFactory()
    CartLineFactory(cart=CartFactory(user=user), product=bakery.bun)
    from tests.factories import AddressFactory

    today = timezone.localdate()
    slot = SlotFactory(kind="delivery", starts_at=_at(today, 22), ends_at=_at(today, 23))
    order, _ = checkout_place(
        user=user,
        slot_id=slot.pk,
        address_id=AddressFactory(user=user).pk,
        idempotency_key="k",
        note="=1+1",
    )
    order_transition(order=order, to=Order.Status.PAID, by=None)
    client.force_login(fulfilment_staff())
    runs = list(csv.reader(io.StringIO(client.get("/staff/runs/?format=csv").content.decode())))
    assert runs[1][runs[0].index("Note")] == "'=1+1"


@pytest.mark.parametrize("extra_lines", [1, 10])
def test_the_prep_list_reads_stay_flat_as_lines_grow(
    django_assert_num_queries, bakery, extra_lines
):
    from orders.selectors.daywork import prep_list

    Product.objects.filter(pk=bakery.cake.pk).update(stock=50)
    today = timezone.localdate()
    slot = SlotFactory(kind="pickup", starts_at=_at(today, 22), ends_at=_at(today, 23))
    for i in range(extra_lines):
        user = UserFactory()
        CartLineFactory(
            cart=CartFactory(user=user),
            product=bakery.cake,
            choices_key=str(bakery.large.pk),
            message=f"Cake {i}",
        )
        order, _ = checkout_place(user=user, slot_id=slot.pk, address_id=None, idempotency_key="k")
        order_transition(order=order, to=Order.Status.PAID, by=None)
    with django_assert_num_queries(2):
        prep = prep_list(day=today)
    assert len(prep.products[0].messages) == extra_lines


def test_the_product_api_gives_the_option_groups_and_whether_it_takes_a_message(api_client, bakery):
    reply = api_client.get(f"/api/v1/products/{bakery.cake.slug}/").json()
    assert reply["allows_message"] is True
    assert reply["message_max_length"] == 20
    assert reply["option_groups"] == [
        {
            "id": bakery.size.pk,
            "name": "Size",
            "required": True,
            "choices": [
                {"id": bakery.small.pk, "name": "6 inch", "price_change": "0.00"},
                {"id": bakery.large.pk, "name": "8 inch", "price_change": "6.00"},
            ],
        },
        {
            "id": bakery.candles.pk,
            "name": "Candles",
            "required": False,
            "choices": [{"id": bakery.candle.pk, "name": "Number candles", "price_change": "1.50"}],
        },
    ]
    listed = api_client.get("/api/v1/products/").json()["results"]
    assert {p["sku"]: p["allows_message"] for p in listed}["CK-SPONGE"] is True


def test_a_manager_edits_choices_in_admin_and_the_catalogue_shows_them_at_once(
    client, bakery, django_capture_on_commit_callbacks
):
    from tests.orders.staff_helpers import change_form_data, role_member

    client.force_login(role_member("manager"))
    assert client.get(f"/api/v1/products/{bakery.cake.slug}/").status_code == 200  # cached
    url = f"/admin/orders/optiongroup/{bakery.size.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    data = change_form_data(page)
    prefix = page.context["inline_admin_formsets"][0].formset.prefix
    data[f"{prefix}-1-price_change"] = "7.50"
    data[f"{prefix}-2-name"] = "10 inch"
    data[f"{prefix}-2-price_change"] = "12.00"
    with django_capture_on_commit_callbacks(execute=True):
        reply = client.post(url, data)
    assert reply.status_code == 302, reply.context and reply.context["errors"]
    choices = client.get(f"/api/v1/products/{bakery.cake.slug}/").json()["option_groups"][0]
    assert [(c["name"], c["price_change"]) for c in choices["choices"]] == [
        ("6 inch", "0.00"),
        ("8 inch", "7.50"),
        ("10 inch", "12.00"),
    ]

    data[f"{prefix}-2-name"] = ""
    data[f"{prefix}-1-price_change"] = "-19.00"  # more than the cake's 18.00
    reply = client.post(url, data)
    assert reply.status_code == 200
    assert "a choice may take off at most that much" in reply.content.decode()
    assert OptionChoice.objects.get(pk=bakery.large.pk).price_change == Decimal("7.50")
