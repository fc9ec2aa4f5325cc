"""Whatever a client sends, to whichever address, it never gets a 500 and changes nothing.

One walk over every URL pattern in the URL conf (pages, the API, allauth, admin), with
every HTTP method and each class of hostile input: NUL characters and lone surrogates
in the path, query, form, JSON body and headers; huge numbers and ids; dates at the edge
of the calendar; deeply nested and malformed JSON. Signed out and signed in as a customer.
"""

import json
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import get_resolver, reverse

from orders.models import Cart, CartLine, Order
from tests.factories import (
    AddressFactory,
    CartFactory,
    CartLineFactory,
    CategoryFactory,
    ProductFactory,
    UserFactory,
    place_order,
)
from tests.payment_helpers import start_payment

pytestmark = pytest.mark.django_db

HUGE = 10**30
NUL = "\x00"
SURROGATE = "\ud800"
# What a client can put in a path segment: a surrogate arrives as its UTF-8 bytes.
HOSTILE_PATH_VALUES = ["%00", str(HUGE), "-1"]
FIELDS = [
    "product", "quantity", "slot", "address", "coupon", "token", "email", "password",
    "key", "code", "next", "to", "note", "name", "phone", "label", "line1", "postcode",
    "city", "recipient", "category", "id", "page", "search", "q", "date", "placed",
    "status", "kind", "password1", "password2", "oldpassword", "reference", "country",
]  # fmt: skip
EDGE_VALUES = [HUGE, "9999-12-31", "²", [], "x" * 300]
REFUSED_JSON_BODIES = [
    "[" * 5000 + "]" * 5000,
    json.dumps(dict.fromkeys(FIELDS, NUL)),
    json.dumps(dict.fromkeys(FIELDS, SURROGATE)),  # "\\ud800" escapes, as a client sends
]
EDGE_JSON_BODIES = [
    "{not json",
    *(json.dumps(dict.fromkeys(FIELDS, value)) for value in EDGE_VALUES),
]
# A form a page would accept, but for a `next` that is not a path on this site.
PLAUSIBLE_FORM = {
    "recipient": "Ada Lovelace",
    "line1": "1 Analytical Row",
    "city": "London",
    "postcode": "EC1A 1BB",
    "country": "GB",
    "quantity": "1",
}
NOT_PATHS = ["abc", "0", "NaN", "orders"]
EDGE_FORM_BODIES = [
    *(dict.fromkeys(FIELDS, str(value)) | {"next": "abc"} for value in EDGE_VALUES[:3]),
    *(PLAUSIBLE_FORM | {"next": target} for target in NOT_PATHS),
]
EDGE_DAYS = ["9999-12-31", "0001-01-01"]
EDGE_QUERIES = [
    dict.fromkeys(FIELDS, str(HUGE)),
    *(dict.fromkeys(FIELDS, day) for day in EDGE_DAYS),
    *({"next": target} for target in NOT_PATHS),
]
HEADERS = [{"X-Session-Token": NUL}, {"X-Session-Token": "dead-token"}]
# With TRUSTED_PROXY_COUNT=2 (as the walk runs), fewer addresses than proxies.
SHORT_FORWARDED_FOR = {"X-Forwarded-For": "203.0.113.7"}
# What a client can put in an admin list's filters and date hierarchy.
ADMIN_VALUES = [str(HUGE), "-1", *EDGE_DAYS, "²", "NaN"]
METHODS = ["get", "post", "put", "patch", "delete", "options"]
DOMAIN_APPS = ["accounts", "orders", "notifications", "account", "mfa"]


def _templates(resolver=None, prefix=""):
    """Every reversible route as a %-template with its parameter names, e.g.
    ("orders/%(number)s/", ["number"])."""
    resolver = resolver or get_resolver()
    routes = set()
    for _key, entries in resolver.reverse_dict.lists():
        for possibilities, *_ in entries:
            for template, params in possibilities:
                routes.add((prefix + template, tuple(params)))
    for sub_prefix, sub_resolver in resolver.namespace_dict.values():
        routes |= _templates(sub_resolver, prefix + sub_prefix)
    return routes


ROUTES = sorted(_templates())


@pytest.fixture
def world(settings):
    """A customer with an address, a cart line, an order with a payment; a product. Behind
    two trusted proxies."""
    settings.TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 2}
    customer = UserFactory()
    address = AddressFactory(user=customer)
    category = CategoryFactory()
    product = ProductFactory(category=category)
    order = place_order(user=customer)
    payment = start_payment(order)
    line = CartLineFactory(cart=Cart.objects.get(user=customer), product=product)
    samples = {
        "slug": product.slug,
        "number": order.number,
        "reference": payment.reference,
        "provider": "sandbox",
        "line_id": line.pk,
        "object_id": order.pk,
        "app_label": "orders",
        "uidb36": "1",
        "key": "set-password",
    }
    pk_by_prefix = {
        "api/v1/categories/": category.pk,
        "api/v1/cart/items/": line.pk,
        "api/v1/me/addresses/": address.pk,
        "account/addresses/": address.pk,
    }
    return customer, samples, pk_by_prefix


def _counts():
    return {
        model._meta.label: model.objects.count()
        for app in DOMAIN_APPS
        for model in apps.get_app_config(app).get_models()
    }


def _fill(template, params, value_of):
    return "/" + template % {name: value_of(name) for name in params}


def _send(client, method, path, *, json_body=None, form=None, query=None, headers=None):
    query_string = "&".join(
        f"{key}={value.replace(NUL, '%00')}" for key, value in (query or {}).items()
    )
    if isinstance(form, str):
        response = client.post(
            path,
            form,
            "application/x-www-form-urlencoded",
            QUERY_STRING=query_string,
            headers=headers,
        )
    elif form is not None:
        response = client.post(path, data=form, QUERY_STRING=query_string, headers=headers)
    elif json_body is not None:
        response = client.generic(
            method.upper(),
            path,
            json_body,
            "application/json",
            QUERY_STRING=query_string,
            headers=headers,
        )
    else:
        response = client.generic(method.upper(), path, QUERY_STRING=query_string, headers=headers)
    assert response.status_code < 500, (method, path, json_body, form, query, headers)
    return response


# Admin turns away anyone not staff at one door (signed out or a customer alike): its
# routes are walked once, as a customer.
CASES = [
    pytest.param(template, params, signed_in, id=f"{template}-{who}")
    for template, params in ROUTES
    for signed_in, who in ((False, "signed-out"), (True, "customer"))
    if signed_in or not template.startswith("admin/")
]


@pytest.mark.parametrize(("template", "params", "signed_in"), CASES)
def test_no_input_to_any_address_is_a_server_error_or_a_write(
    client, world, template, params, signed_in
):
    customer, samples, pk_by_prefix = world

    def sample(name):
        if name == "pk":
            return next((pk for p, pk in pk_by_prefix.items() if template.startswith(p)), 1)
        return samples.get(name, "x")

    def sign_in():
        if signed_in:
            client.force_login(customer)

    path = _fill(template, params, sample)
    is_json = template.startswith(("api/", "_allauth/"))
    sign_in()
    for method in METHODS:
        _send(client, method, path, json_body="{}" if is_json else None)
    sign_in()
    before = _counts()
    for value in HOSTILE_PATH_VALUES if params else []:
        hostile = _fill(template, params, lambda name, value=value: value)
        for method in ("get", "post"):
            _send(client, method, hostile)
    for headers in HEADERS:
        _send(client, "get", path, headers=headers)
    _send(client, "post", path, json_body="{}", headers=SHORT_FORWARDED_FOR)
    if not template.startswith("admin/"):
        _send(client, "get", path, query={"q": NUL})
        for body in REFUSED_JSON_BODIES:
            _send(client, "post", path, json_body=body)
        _send(client, "patch", path, json_body=REFUSED_JSON_BODIES[0])
        _send(client, "post", path, form=urlencode(dict.fromkeys(FIELDS, NUL)))
    assert _counts() == before, "a refused request wrote something"
    if not template.startswith("admin/"):
        # Odd but well-formed values may be accepted; they must never be a 500.
        for query in EDGE_QUERIES:
            _send(client, "get", path, query=query)
        for body in EDGE_JSON_BODIES:
            _send(client, "post", path, json_body=body)
        for body in EDGE_FORM_BODIES:
            _send(client, "post", path, form=body)


def _fill_for_staff(template, params, samples):
    return _fill(template, params, lambda name: samples.get(name, 1 if name == "pk" else "x"))


STAFF_ROUTES = [(t, params) for t, params in ROUTES if t.startswith(("admin/", "staff/"))]


def test_no_query_to_a_staff_address_is_a_server_error_or_a_write(client, world):
    """Every staff page and admin page, as a superuser: one test, since each route costs a
    few requests and a fresh world would cost more."""
    _, samples, _ = world
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    before = _counts()
    for template, params in STAFF_ROUTES:
        path = _fill_for_staff(template, params, samples)
        for query in EDGE_QUERIES:
            _send(client, "get", path, query=query)
    assert _counts() == before


def _admin_params(client, url, model_admin) -> set[str]:
    """The query parameters the admin list at `url` reads: its filters and date hierarchy."""
    page = client.get(url)
    assert page.status_code == 200, url
    names = {
        name for spec in page.context["cl"].filter_specs for name in spec.expected_parameters()
    }
    if model_admin.date_hierarchy:
        names |= {f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")}
    return names


ADMINS = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


@pytest.mark.parametrize(
    ("model", "model_admin"), ADMINS, ids=[model._meta.label for model, _ in ADMINS]
)
def test_no_filter_or_date_on_an_admin_list_is_a_server_error(client, world, model, model_admin):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    names = _admin_params(client, url, model_admin)
    before = _counts()
    for name in sorted(names):
        for value in ADMIN_VALUES:
            response = client.get(url, {name: value})
            assert response.status_code < 500, (url, name, value)
    if model_admin.date_hierarchy:
        field = model_admin.date_hierarchy
        for year, month, day in [("9999", "12", "31"), ("9999", "12", None), ("1", None, None)]:
            query = {f"{field}__year": year, f"{field}__month": month, f"{field}__day": day}
            response = client.get(url, {key: value for key, value in query.items() if value})
            assert response.status_code < 500, (url, query)
    assert _counts() == before


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("/api/v1/products/", "search=%00", "search"),
        ("/api/v1/orders/%00/", "", None),
        ("/_allauth/app/v1/config", "x=%00", "x"),
    ],
)
def test_a_nul_in_the_address_of_the_api_is_a_json_400_naming_where(client, path, query, field):
    response = client.get(path, QUERY_STRING=query)
    assert response.status_code == 400
    body = response.json()
    if path.startswith("/_allauth/"):
        assert body["errors"][0]["param"] == field
        assert "NUL" in body["errors"][0]["message"]
    else:
        assert body["field"] == field
        assert body["code"] == "invalid_input"
        assert "NUL" in body["detail"]


def test_a_nul_in_a_page_address_is_the_shops_400_page(client):
    response = client.get("/", QUERY_STRING="q=%00")
    assert response.status_code == 400
    assert b"The query parameter &#x27;q&#x27; contains a NUL character." in response.content


def test_a_nul_in_a_header_or_a_form_field_is_a_400(client):
    assert client.get("/", headers={"X-Session-Token": NUL}).status_code == 400
    assert client.get("/", headers={"Cookie": "sessionid=" + NUL}).status_code == 400
    assert client.post("/cart/add/", {"product": "1", "quantity": NUL}).status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        "[" * 5000 + "]" * 5000,
        '{"a": ' * 40 + "1" + "}" * 40,
        json.dumps({"email": NUL, "password": "x"}),
        json.dumps({"email": "a@example.com", "password": SURROGATE}),
    ],
    ids=["deep", "over-32-levels", "nul", "surrogate"],
)
@pytest.mark.parametrize("path", ["/api/v1/cart/items/", "/_allauth/app/v1/auth/login"])
def test_a_json_body_too_deep_or_with_text_that_cannot_be_stored_is_a_400(client, path, body):
    client.force_login(UserFactory())
    response = client.post(path, body, content_type="application/json")
    assert response.status_code == 400
    assert not CartLine.objects.exists()


def test_malformed_json_to_sign_in_is_a_json_400(client):
    response = client.post("/_allauth/app/v1/auth/login", "{x", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"].startswith("JSON parse error")


def test_a_lone_surrogate_echoed_in_an_api_error_is_rendered_escaped():
    from config.parsers import JSONRenderer

    assert JSONRenderer().render({"detail": SURROGATE}) == b'{"detail":"\\ud800"}'


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_slot_day_at_the_edge_of_the_calendar_is_a_400_naming_the_date(client, day):
    response = client.get("/api/v1/slots/", {"date": day})
    assert response.status_code == 400
    assert response.json()["field"] == "date"


def test_a_next_that_is_not_a_path_is_ignored_after_adding_to_the_cart(client):
    product = ProductFactory(stock=5)
    response = client.post("/cart/add/", {"product": product.pk, "quantity": 1, "next": "abc"})
    assert response.status_code == 302
    assert response["Location"] == "/cart/"


def test_a_superscript_digit_as_the_checkout_address_is_a_form_error(client):
    customer = UserFactory()
    client.force_login(customer)
    CartLineFactory(cart=CartFactory(user=customer), product=ProductFactory())
    response = client.post("/checkout/", {"token": "abc", "slot": "1", "address": "²"}, follow=True)
    assert response.status_code == 200
    assert "Choose a delivery address, or pickup." in response.content.decode()
    assert not Order.objects.exists()


def test_options_on_the_cart_lines_answers_200(client):
    client.force_login(UserFactory())
    response = client.options("/api/v1/cart/items/")
    assert response.status_code == 200
    assert response.json()["name"] == "Cart Item List"


def test_an_unknown_api_address_is_a_json_404(client):
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("headers", [{}, {"X-Session-Token": "dead-token"}])
def test_a_missing_or_dead_token_is_a_401(client, headers):
    assert client.get("/api/v1/cart/", headers=headers).status_code == 401


@pytest.mark.parametrize("key", ["-1", "-", "", "zzzzzzzzzzzzzz-1", "1-"])
def test_a_password_reset_key_without_a_user_is_a_400(client, key):
    response = client.post(
        "/_allauth/app/v1/auth/password/reset",
        {"key": key, "password": "plum-tart-on-a-tuesday"},
        content_type="application/json",
    )
    assert response.status_code == 400
    response = client.get(
        "/_allauth/app/v1/auth/password/reset", headers={"X-Password-Reset-Key": key}
    )
    assert response.status_code == 400
