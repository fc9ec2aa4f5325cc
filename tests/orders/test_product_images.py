"""Product pictures: managers upload them (API and admin), bad files are refused with nothing
kept, the kept file has no metadata, renditions are made once after commit, and the API and
pages show them."""

import logging
from io import BytesIO, StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db.models import Count
from django.test import Client
from django.utils import timezone
from PIL import Image

from accounts.roles import CUSTOMER, MANAGER, STAFF
from orders.models import Product, ProductImage
from orders.services.images import (
    RENDITIONS_MAX_ATTEMPTS,
    image_renditions_make,
    image_renditions_sweep,
    product_image_add,
    product_image_delete,
)
from tests.factories import ProductFactory
from tests.orders.pictures import SVG, bomb_png, photo_bytes, truncated_jpeg, upload
from tests.orders.staff_helpers import change_form_data, role_member

pytestmark = pytest.mark.django_db

Status = ProductImage.Renditions


@pytest.fixture
def manager_api(api_client):
    api_client.force_authenticate(role_member(MANAGER))
    return api_client


def _stored_files(media) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def _post_image(client, slug, content, name="photo.jpg", **extra):
    return client.post(
        f"/api/v1/products/{slug}/images/",
        {"image": upload(content, name=name), **extra},
        format="multipart",
    )


# --- Uploading through the API ------------------------------------------------


def test_a_manager_uploads_a_phone_photo_and_its_gps_position_is_not_kept(
    manager_api, media, django_capture_on_commit_callbacks
):
    loaf = ProductFactory(slug="country-sourdough", name="Country sourdough")

    with django_capture_on_commit_callbacks(execute=True):
        response = _post_image(manager_api, loaf.slug, photo_bytes(), alt="A dark loaf")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["alt"] == "A dark loaf"
    assert (body["width"], body["height"]) == (1200, 900)
    assert body["url"].startswith("http://testserver/media/products/")
    image = ProductImage.objects.get(product=loaf)
    with default_storage.open(image.image.name) as kept, Image.open(kept) as picture:
        assert picture.format == "JPEG"
        assert picture.size == (1200, 900)
        assert not picture.getexif()
        assert not {"exif", "icc_profile", "xmp", "comment"} & picture.info.keys()
    assert image.renditions_status == Status.READY
    for width in (200, 400, 800):
        with default_storage.open(image.renditions[str(width)]) as made, Image.open(made) as r:
            assert (r.format, r.size) == ("WEBP", (width, width * 3 // 4))
            assert not r.getexif()


@pytest.mark.parametrize(
    ("content", "name", "says"),
    [
        (b"", "empty.jpg", "empty"),
        (b"Just some text, not a picture.\n", "notes.jpg", "not a JPEG, PNG or WebP"),
        (SVG, "logo.svg", "not a JPEG, PNG or WebP"),
        (truncated_jpeg(), "cut.jpg", "truncated"),
        (bomb_png(), "bomb.png", "megapixels"),
        (bomb_png(8000, 6000), "48mp.png", "megapixels"),
        (photo_bytes(image_format="GIF", exif=False), "anim.gif", "not a JPEG, PNG or WebP"),
    ],
    ids=["empty", "text", "svg", "truncated", "bomb", "48-megapixels", "gif"],
)
def test_a_bad_upload_is_a_400_naming_image_and_leaves_nothing_behind(
    manager_api, media, content, name, says
):
    loaf = ProductFactory()

    response = _post_image(manager_api, loaf.slug, content, name=name)

    assert response.status_code == 400
    assert response.json()["field"] == "image"
    assert says in response.json()["detail"]
    assert not ProductImage.objects.exists()
    assert _stored_files(media) == []


def test_a_truncated_upload_is_refused_after_weasyprint_was_imported(manager_api, media):
    """WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole process when it is
    imported (a web process that rendered an invoice PDF); an upload must still decode whole."""
    import weasyprint  # noqa: F401
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    loaf = ProductFactory()

    response = _post_image(manager_api, loaf.slug, truncated_jpeg(), name="cut.jpg")

    assert response.status_code == 400
    assert "truncated" in response.json()["detail"]
    assert not ProductImage.objects.exists()
    assert _stored_files(media) == []


def test_a_picture_over_image_max_bytes_is_refused(manager_api, media, settings):
    settings.IMAGE_MAX_BYTES = 1000
    loaf = ProductFactory()

    response = _post_image(manager_api, loaf.slug, photo_bytes())

    assert response.status_code == 400
    assert response.json()["field"] == "image"
    assert "at most 1000\xa0bytes" in response.json()["detail"]
    assert _stored_files(media) == []


def test_an_upload_with_no_file_names_image(manager_api, media):
    loaf = ProductFactory()

    response = manager_api.post(
        f"/api/v1/products/{loaf.slug}/images/", {"alt": "x"}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["field"] == "image"


@pytest.mark.parametrize(("role", "status"), [(None, 401), (CUSTOMER, 403), (STAFF, 403)])
def test_only_managers_upload_pictures(api_client, media, role, status):
    loaf = ProductFactory()
    if role:
        api_client.force_authenticate(role_member(role))

    response = _post_image(api_client, loaf.slug, photo_bytes())

    assert response.status_code == status
    assert not ProductImage.objects.exists()
    assert _stored_files(media) == []


def test_a_manager_gives_an_inactive_product_a_picture_and_an_unknown_one_is_a_404(
    manager_api, media
):
    retired = ProductFactory(is_active=False)

    assert _post_image(manager_api, retired.slug, photo_bytes()).status_code == 201
    assert _post_image(manager_api, "never-was", photo_bytes()).status_code == 404


def test_pictures_without_alt_text_take_the_products_name_and_come_last(manager_api, media):
    loaf = ProductFactory(name="Seeded rye")

    _post_image(manager_api, loaf.slug, photo_bytes(), alt="Cut open")
    _post_image(manager_api, loaf.slug, photo_bytes(image_format="PNG"), name="b.png")

    assert [(i.alt, i.position) for i in loaf.images.all()] == [("Cut open", 0), ("Seeded rye", 1)]


# --- The API shows them ---------------------------------------------------------


def test_the_product_in_the_api_carries_its_pictures_in_order_as_absolute_urls(
    api_client, media, django_capture_on_commit_callbacks
):
    loaf = ProductFactory(slug="rye")
    with django_capture_on_commit_callbacks(execute=True):
        second = product_image_add(product=loaf, upload=upload(photo_bytes()), position=5)
        first = product_image_add(
            product=loaf, upload=upload(photo_bytes()), alt="Main", position=1
        )

    listed = api_client.get("/api/v1/products/").json()["results"][0]["images"]
    detail = api_client.get("/api/v1/products/rye/").json()["images"]

    assert listed == detail
    assert [i["alt"] for i in detail] == ["Main", loaf.name]
    first.refresh_from_db()
    assert detail[0] == {
        "url": f"http://testserver{first.image.url}",
        "alt": "Main",
        "width": 1200,
        "height": 900,
        "renditions": {
            str(w): f"http://testserver{default_storage.url(first.renditions[str(w)])}"
            for w in (200, 400, 800)
        },
    }
    assert second.pk != first.pk


def test_until_its_renditions_are_made_a_picture_offers_the_original(api_client, media):
    loaf = ProductFactory(slug="rye")
    product_image_add(product=loaf, upload=upload(photo_bytes()))  # no commit: no task yet

    image = api_client.get("/api/v1/products/rye/").json()["images"][0]

    assert set(image["renditions"].values()) == {image["url"]}


def test_a_new_picture_empties_the_cached_catalogue(
    api_client, media, django_capture_on_commit_callbacks
):
    loaf = ProductFactory(slug="rye")
    assert api_client.get("/api/v1/products/").json()["results"][0]["images"] == []
    assert "No picture of" in Client().get("/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        product_image_add(product=loaf, upload=upload(photo_bytes()), alt="A loaf")

    assert len(api_client.get("/api/v1/products/").json()["results"][0]["images"]) == 1
    assert 'alt="A loaf"' in Client().get("/").content.decode()


@pytest.mark.parametrize("rows", [1, 12])
def test_the_api_list_with_pictures_runs_a_fixed_number_of_queries(
    api_client, media, django_assert_num_queries, rows
):
    for product in ProductFactory.create_batch(rows):
        _ready_image(product, position=0)
        _ready_image(product, position=1)

    # the count, the page of products with their categories, their pictures
    with django_assert_num_queries(3):
        response = api_client.get("/api/v1/products/")
    assert len(response.json()["results"]) == rows
    assert all(len(p["images"]) == 2 for p in response.json()["results"])


def _ready_image(product, *, position=0, alt="A picture") -> ProductImage:
    return ProductImage.objects.create(
        product=product,
        image=f"products/{product.pk}/{position}.jpg",
        alt=alt,
        position=position,
        width=1200,
        height=900,
        renditions={
            str(w): f"products/{product.pk}/renditions/{position}-{w}.webp" for w in (200, 400, 800)
        },
        renditions_status=Status.READY,
    )


# --- Renditions: once, made up when lost, given up loudly ------------------------


def test_renditions_made_twice_are_made_once(media):
    loaf = ProductFactory()
    image = product_image_add(product=loaf, upload=upload(photo_bytes()))

    made = image_renditions_make(image_id=image.pk)
    again = image_renditions_make(image_id=image.pk)

    assert made is not None
    assert again is None
    assert len(_stored_files(media)) == 4  # the original and three renditions, no copies


def test_the_sweep_makes_up_renditions_a_lost_task_left_unmade(
    media, django_capture_on_commit_callbacks
):
    loaf = ProductFactory()
    lost = product_image_add(product=loaf, upload=upload(photo_bytes()))  # its task never ran
    stale = product_image_add(product=loaf, upload=upload(photo_bytes()))
    hour_ago = timezone.now() - timezone.timedelta(hours=1)
    ProductImage.objects.filter(pk=lost.pk).update(created_at=hour_ago)
    ProductImage.objects.filter(pk=stale.pk).update(
        created_at=hour_ago, renditions_status=Status.MAKING, renditions_claimed_at=hour_ago
    )
    fresh = product_image_add(product=loaf, upload=upload(photo_bytes()))

    assert image_renditions_sweep() == 2

    statuses = dict(ProductImage.objects.values_list("pk", "renditions_status"))
    assert statuses == {lost.pk: Status.READY, stale.pk: Status.READY, fresh.pk: Status.PENDING}


def test_renditions_that_keep_failing_are_given_up_and_logged(media, caplog):
    loaf = ProductFactory()
    image = product_image_add(product=loaf, upload=upload(photo_bytes()))
    default_storage.delete(image.image.name)  # the original is gone from the bucket

    for _ in range(RENDITIONS_MAX_ATTEMPTS):
        with pytest.raises(FileNotFoundError):
            image_renditions_make(image_id=image.pk)
    image.refresh_from_db()

    assert image.renditions_status == Status.FAILED
    assert "FileNotFoundError" in image.renditions_error
    assert any(r.levelno == logging.ERROR and "given up" in r.message for r in caplog.records)
    assert image_renditions_make(image_id=image.pk) is None


def test_a_deleted_picture_takes_its_files_with_it(media, django_capture_on_commit_callbacks):
    loaf = ProductFactory()
    with django_capture_on_commit_callbacks(execute=True):
        image = product_image_add(product=loaf, upload=upload(photo_bytes()))
    image.refresh_from_db()
    assert len(_stored_files(media)) == 4

    with django_capture_on_commit_callbacks(execute=True):
        product_image_delete(image=image)

    assert _stored_files(media) == []


# --- Pages ----------------------------------------------------------------------


def test_the_catalogue_shows_each_main_picture_by_its_renditions_and_a_placeholder_without(
    client, media
):
    loaf = ProductFactory(name="Country sourdough")
    _ready_image(loaf, position=0, alt="A dark round loaf")
    _ready_image(loaf, position=1, alt="The crumb")
    ProductFactory(name="Baguette")

    html = client.get("/").content.decode()

    card = html[html.index('alt="A dark round loaf"') - 600 : html.index('alt="A dark round loaf"')]
    assert f'srcset="/media/products/{loaf.pk}/renditions/0-200.webp 200w, ' in card
    assert 'sizes="' in card and 'width="1200" height="900"' in card
    assert 'loading="lazy"' in html
    assert "The crumb" not in html  # the catalogue shows the main picture only
    assert 'alt="No picture of Baguette yet"' in html
    assert "no-picture.svg" in html


def test_the_product_page_shows_all_its_pictures(client, media):
    loaf = ProductFactory(slug="rye")
    for position, alt in enumerate(["Whole", "Sliced", "Crumb"]):
        _ready_image(loaf, position=position, alt=alt)

    html = client.get("/products/rye/").content.decode()

    assert [html.index(f'alt="{alt}"') for alt in ("Whole", "Sliced", "Crumb")] == sorted(
        html.index(f'alt="{alt}"') for alt in ("Whole", "Sliced", "Crumb")
    )
    assert html.count("<img") == 3


# --- Admin ----------------------------------------------------------------------


def _admin_post(client, product, **changes):
    page = client.get(f"/admin/orders/product/{product.pk}/change/")
    return client.post(
        f"/admin/orders/product/{product.pk}/change/", change_form_data(page, **changes)
    )


def test_a_manager_uploads_pictures_in_admin_and_orders_them(
    client, media, django_capture_on_commit_callbacks
):
    client.force_login(role_member(MANAGER))
    loaf = ProductFactory(slug="rye")

    with django_capture_on_commit_callbacks(execute=True):
        response = _admin_post(
            client,
            loaf,
            **{
                "images-0-image": upload(photo_bytes()),
                "images-0-alt": "Whole loaf",
                "images-0-position": "0",
            },
        )
    assert response.status_code == 302
    image = loaf.images.get()
    assert image.alt == "Whole loaf"
    assert image.renditions_status == Status.READY
    with default_storage.open(image.image.name) as kept, Image.open(kept) as picture:
        assert not picture.getexif()

    with django_capture_on_commit_callbacks(execute=True):
        _admin_post(
            client,
            loaf,
            **{
                "images-1-image": upload(photo_bytes(image_format="PNG"), name="cut.png"),
                "images-1-alt": "Cut",
                "images-1-position": "0",
                "images-0-position": "3",
            },
        )
    assert [i.alt for i in loaf.images.all()] == ["Cut", "Whole loaf"]
    assert "Cut" in client.get("/products/rye/").content.decode()


def test_admin_refuses_a_bad_picture_on_the_form_and_keeps_nothing(client, media):
    client.force_login(role_member(MANAGER))
    loaf = ProductFactory()

    response = _admin_post(
        client,
        loaf,
        **{"images-0-image": upload(b"<svg/>", name="x.jpg"), "images-0-alt": "x"},
    )

    assert response.status_code == 200
    assert "not a JPEG, PNG or WebP" in response.content.decode()
    assert not ProductImage.objects.exists()
    assert _stored_files(media) == []


def test_a_manager_deletes_a_picture_in_admin(client, media, django_capture_on_commit_callbacks):
    client.force_login(role_member(MANAGER))
    loaf = ProductFactory()
    with django_capture_on_commit_callbacks(execute=True):
        product_image_add(product=loaf, upload=upload(photo_bytes()))

    with django_capture_on_commit_callbacks(execute=True):
        _admin_post(client, loaf, **{"images-0-DELETE": "on"})

    assert not ProductImage.objects.exists()
    assert _stored_files(media) == []


def test_a_jpeg_turned_by_its_exif_orientation_is_kept_upright(media):
    data = Image.Exif()
    data[0x0112] = 6  # rotated 90° clockwise: the camera was held upright
    out = BytesIO()
    Image.new("RGB", (400, 300), "white").save(out, "JPEG", exif=data.tobytes())

    image = product_image_add(product=ProductFactory(), upload=upload(out.getvalue()))

    assert (image.width, image.height) == (300, 400)


# --- The demo shop --------------------------------------------------------------


def test_seed_demo_draws_every_demo_product_a_picture_once(
    client, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())

    counts = Product.objects.annotate(n=Count("images")).values_list("n", flat=True)
    assert set(counts) == {1}
    assert set(ProductImage.objects.values_list("renditions_status", flat=True)) == {"ready"}
    html = client.get("/").content.decode()
    assert "no-picture.svg" not in html
    assert 'alt="A drawing of Almond croissant"' in html
    with Image.open(default_storage.open(ProductImage.objects.first().image.name)) as drawn:
        assert len(drawn.convert("RGB").resize((40, 30)).getcolors(1200)) > 20  # not a blank
