"""Managers export the catalogue as CSV or XLSX and import it back: a preview lists each
row's errors before anything is written, applying is all or nothing, and stock changes are
recorded stock movements."""

import csv
import io
import socket
from decimal import Decimal

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import MANAGER, STAFF
from orders.models import Product, ProductImage, StockMovement
from tests.factories import CategoryFactory, ProductFactory, ProductImageFactory
from tests.orders.staff_helpers import role_member

pytestmark = pytest.mark.django_db

HEADER = [
    "sku",
    "name",
    "slug",
    "category",
    "description",
    "price",
    "tax_rate",
    "stock",
    "low_stock_threshold",
    "is_active",
    "images",
]
CSV_FORMAT, XLSX_FORMAT = "0", "1"  # their places in the admin's format list


@pytest.fixture
def manager(client):
    user = role_member(MANAGER)
    client.force_login(user)
    return user


@pytest.fixture
def bread():
    return CategoryFactory(name="Bread", slug="bread")


def _sheet(*rows) -> tablib.Dataset:
    return tablib.Dataset(*[[str(v) for v in row] for row in rows], headers=HEADER)


def _row(sku, name, *, category="bread", price="4.80", stock="10", images="", **more):
    values = {
        "sku": sku,
        "name": name,
        "slug": name.lower().replace(" ", "-"),
        "category": category,
        "description": "",
        "price": price,
        "tax_rate": "0.2",
        "stock": stock,
        "low_stock_threshold": "5",
        "is_active": "1",
        "images": images,
    }
    values.update(more)
    return [values[h] for h in HEADER]


def _preview(client, sheet: tablib.Dataset, *, xlsx=False):
    content = sheet.export("xlsx") if xlsx else sheet.export("csv").encode()
    name = "catalogue.xlsx" if xlsx else "catalogue.csv"
    return client.post(
        "/admin/orders/product/import/",
        {
            "resource": "0",
            "format": XLSX_FORMAT if xlsx else CSV_FORMAT,
            "import_file": SimpleUploadedFile(name, content),
        },
    )


def _confirm(client, preview):
    return client.post(
        "/admin/orders/product/process_import/", preview.context["confirm_form"].initial
    )


def test_a_manager_imports_a_catalogue_and_stock_changes_are_recorded_movements(
    client, manager, bread
):
    rye = ProductFactory(sku="BRD-002", name="Seeded rye", stock=4, price=Decimal("5.00"))
    sheet = _sheet(
        _row("BRD-002", "Seeded rye", price="5.20", stock="25"),
        _row("BRD-009", "Malted loaf", price="3.90", stock="12"),
    )

    preview = _preview(client, sheet)
    assert preview.status_code == 200
    assert not preview.context["result"].has_errors()
    assert Product.objects.get(pk=rye.pk).price == Decimal("5.00")  # the preview wrote nothing
    assert not Product.objects.filter(sku="BRD-009").exists()
    assert not StockMovement.objects.exists()

    applied = _confirm(client, preview)

    assert applied.status_code == 302
    rye.refresh_from_db()
    malted = Product.objects.get(sku="BRD-009")
    assert (rye.price, rye.stock, rye.category) == (Decimal("5.20"), 25, bread)
    assert (malted.name, malted.stock, malted.price) == ("Malted loaf", 12, Decimal("3.90"))
    movements = {
        m.product.sku: (m.delta, m.stock_after, m.reason, m.actor, m.note)
        for m in StockMovement.objects.select_related("product", "actor")
    }
    assert movements == {
        "BRD-002": (21, 25, "count", manager, "Catalogue import"),
        "BRD-009": (12, 12, "count", manager, "Catalogue import"),
    }


def test_the_preview_lists_each_rows_errors_and_nothing_is_written(client, manager, bread):
    rye = ProductFactory(sku="BRD-002", name="Seeded rye", stock=4)
    sheet = _sheet(
        _row("BRD-002", "Seeded rye", stock="40"),  # a good row: not applied either
        _row("BRD-010", "Mystery bake", category="pies"),
        _row("BRD-011", "Free loaf", price="-1"),
        _row("BRD-012", "Half a loaf", stock="2.5"),
        _row("BRD-013", "Lost loaf", stock="-3"),
        _row("BRD-014", "Cheap loaf", price="cheap"),
    )

    preview = _preview(client, sheet)

    html = preview.content.decode()
    assert preview.status_code == 200
    assert "There is no category &#x27;pies&#x27;" in html
    assert "&#x27;2.5&#x27; is not a whole number." in html
    assert "&#x27;cheap&#x27; is not a number." in html
    assert "greater than or equal to 0" in html  # the price -1 and the stock -3
    invalid = preview.context["result"].invalid_rows
    assert sorted(r.number for r in invalid) == [2, 3, 4, 5, 6]
    assert preview.context.get("confirm_form") is None  # no way to apply it
    assert Product.objects.count() == 1
    assert Product.objects.get(pk=rye.pk).stock == 4
    assert not StockMovement.objects.exists()


def test_an_import_that_fails_at_apply_time_writes_nothing(client, manager, bread):
    """All or nothing: another product took the second row's slug between preview and
    apply, so that row is refused, and the first row is not kept either."""
    rye = ProductFactory(sku="BRD-002", name="Seeded rye", stock=4)
    sheet = _sheet(
        _row("BRD-002", "Seeded rye", stock="30"),
        _row("BRD-003", "Dark rye", stock="5"),
    )
    preview = _preview(client, sheet)
    ProductFactory(slug="dark-rye", sku="OTHER-1")  # someone took the slug meanwhile

    applied = _confirm(client, preview)

    told = client.get(applied["Location"]).content.decode()
    assert "Nothing was imported. Row 2: slug: Product with this Slug already exists." in told
    assert Product.objects.get(pk=rye.pk).stock == 4
    assert not Product.objects.filter(sku="BRD-003").exists()
    assert not StockMovement.objects.exists()


def test_picture_urls_in_a_sheet_are_not_fetched(client, manager, bread, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("an import must not make outbound requests")

    monkeypatch.setattr(socket, "create_connection", no_network)
    sheet = _sheet(_row("BRD-020", "Posh loaf", images="https://example.com/loaf.jpg"))

    _confirm(client, _preview(client, sheet))

    assert Product.objects.filter(sku="BRD-020").exists()
    assert not ProductImage.objects.exists()


def test_an_unchanged_stock_figure_records_no_movement_and_xlsx_imports_too(client, manager, bread):
    ProductFactory(sku="BRD-002", name="Seeded rye", stock=4, category=bread)
    sheet = _sheet(_row("BRD-002", "Seeded rye", stock="4", price="6.00"))

    _confirm(client, _preview(client, sheet, xlsx=True))

    assert Product.objects.get(sku="BRD-002").price == Decimal("6.00")
    assert not StockMovement.objects.exists()


def test_a_manager_exports_the_catalogue_with_formula_cells_neutralised(client, manager, bread):
    loaf = ProductFactory(sku="BRD-001", name="=HYPERLINK(1)", category=bread, stock=7)
    ProductImageFactory(product=loaf, image="products/1/a.jpg")

    response = client.post(
        "/admin/orders/product/export/",
        {"resource": "0", "format": CSV_FORMAT}
        | {f"productresource_{name}": "on" for name in HEADER},
    )

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == HEADER
    assert rows[1][:4] == ["BRD-001", "'=HYPERLINK(1)", loaf.slug, "bread"]
    assert rows[1][7] == "7"
    assert rows[1][10] == "/media/products/1/a.jpg"


@pytest.mark.parametrize("path", ["import/", "export/"])
def test_staff_may_not_import_or_export_the_catalogue(client, path):
    client.force_login(role_member(STAFF))

    assert client.get(f"/admin/orders/product/{path}").status_code == 403
