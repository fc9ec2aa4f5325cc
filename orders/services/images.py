"""Product pictures: an upload checked and cleaned before it is kept, its renditions made
after commit by a task (once, however often the task runs), and files that leave with it.

Files go through Django's default storage (the local disk, or a bucket with
MEDIA_STORAGE=s3), whose calls carry the timeouts in settings.
"""

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO
from pathlib import PurePosixPath
from uuid import uuid4

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Max, Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from PIL import Image, ImageCms, ImageFile, ImageOps

from config.celery import task_queue
from orders.errors import ImageInvalid, StorageUnavailable
from orders.models import Product, ProductImage
from orders.services.catalogue import catalogue_changed

logger = logging.getLogger(__name__)

# Pillow's format name -> the extension the kept file gets.
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
SAVE_OPTIONS = {
    "JPEG": {"quality": 88, "optimize": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 85},
}
RENDITION_QUALITY = 80
RENDITIONS_MAX_ATTEMPTS = 5
# A claim older than this was left by a worker that died: the sweep queues it again.
RENDITIONS_CLAIM_TIMEOUT = timedelta(minutes=5)
# The sweep leaves fresh uploads to the task queued after their commit.
RENDITIONS_SWEEP_AFTER = timedelta(minutes=1)
RENDER_TASK = "orders.tasks.make_image_renditions"

Status = ProductImage.Renditions


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    extension: str
    width: int
    height: int


def image_clean(*, upload) -> CleanImage:
    """The upload decoded and re-encoded in its own format, upright, in sRGB, with no EXIF,
    colour profile, text or any other metadata (a phone photo carries where it was taken).

    Raises ImageInvalid (a 400 naming `image`) for an empty file, one over IMAGE_MAX_BYTES,
    anything but a JPEG, PNG or WebP (text, SVG, HEIC...), more than IMAGE_MAX_PIXELS
    pixels (a decompression bomb is refused from its header, before it is decoded), or a
    picture that does not decode to its end (truncated, corrupt).
    """
    size = upload.size or 0
    if size == 0:
        raise ImageInvalid("The file is empty: choose a JPEG, PNG or WebP picture.")
    if size > settings.IMAGE_MAX_BYTES:
        raise ImageInvalid(
            f"The picture is {filesizeformat(size)}; at most "
            f"{filesizeformat(settings.IMAGE_MAX_BYTES)} is allowed."
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=list(FORMATS)) as picture:
                if picture.width * picture.height > settings.IMAGE_MAX_PIXELS:
                    raise ImageInvalid(_too_many_pixels())
                with _truncated_refused():
                    picture.load()
                return _reencoded(picture, picture.format)
    except Image.UnidentifiedImageError as error:
        raise ImageInvalid("This is not a JPEG, PNG or WebP picture.") from error
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageInvalid(_too_many_pixels()) from error
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError) as error:
        # Pillow's decoders report a truncated or corrupt file in any of these.
        raise ImageInvalid("The picture could not be read: it is truncated or damaged.") from error
    finally:
        upload.seek(0)


@contextmanager
def _truncated_refused() -> Iterator[None]:
    """Decode to the end or fail, whatever the process imported before: WeasyPrint (the
    invoice PDFs) turns on Pillow's process-wide LOAD_TRUNCATED_IMAGES when it is imported,
    which would let a truncated upload through padded with grey."""
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _too_many_pixels() -> str:
    return (
        f"The picture has more than {settings.IMAGE_MAX_PIXELS / 1_000_000:.0f} megapixels: "
        "make it smaller."
    )


def _reencoded(picture: Image.Image, image_format: str) -> CleanImage:
    picture = _in_srgb(ImageOps.exif_transpose(picture))
    if image_format == "JPEG" and picture.mode not in {"RGB", "L"}:
        picture = picture.convert("RGB")
    elif image_format == "WEBP" and picture.mode not in {"RGB", "RGBA"}:
        picture = picture.convert("RGBA" if _has_alpha(picture) else "RGB")
    elif image_format == "PNG" and picture.mode not in {"1", "L", "LA", "P", "RGB", "RGBA"}:
        picture = picture.convert("RGBA")
    # Nothing of the upload's info (EXIF, XMP, ICC profile, comments, text chunks) is kept.
    picture.info = {}
    out = BytesIO()
    picture.save(out, image_format, **SAVE_OPTIONS[image_format])
    return CleanImage(
        content=out.getvalue(),
        extension=FORMATS[image_format],
        width=picture.width,
        height=picture.height,
    )


def _in_srgb(picture: Image.Image) -> Image.Image:
    """The colours as the upload's colour profile meant them, in sRGB (which a picture with
    no profile is taken to be), so dropping the profile changes nothing a customer sees."""
    profile = picture.info.get("icc_profile")
    if not profile or picture.mode not in {"RGB", "RGBA", "CMYK"}:
        return picture
    try:
        return ImageCms.profileToProfile(
            picture,
            ImageCms.ImageCmsProfile(BytesIO(profile)),
            ImageCms.createProfile("sRGB"),
            outputMode="RGBA" if picture.mode == "RGBA" else "RGB",
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return picture


def _has_alpha(picture: Image.Image) -> bool:
    return picture.mode in {"RGBA", "LA", "PA"} or "transparency" in picture.info


def product_image_add(
    *, product: Product, upload, alt: str = "", position: int | None = None
) -> ProductImage:
    """Keep a picture of the product, last unless `position` says otherwise; its
    renditions are made by a task once the picture is committed.

    The file is cleaned (image_clean) and stored first; if the row is not written after all,
    the file is deleted again, so a refused or failed upload leaves nothing behind. Raises
    ImageInvalid for a bad file and StorageUnavailable (a 503) when storing it fails.
    """
    clean = image_clean(upload=upload)
    try:
        name = default_storage.save(
            f"products/{product.pk}/{uuid4().hex}.{clean.extension}", ContentFile(clean.content)
        )
    except Exception as error:  # the bucket is down, slow past its timeout, or refuses
        logger.exception("Could not store a picture of product %s", product.pk)
        raise StorageUnavailable() from error
    try:
        with transaction.atomic():
            if position is None:
                last = ProductImage.objects.filter(product=product).aggregate(last=Max("position"))[
                    "last"
                ]
                position = 0 if last is None else last + 1
            image = ProductImage.objects.create(
                product=product,
                image=name,
                alt=(alt.strip() or product.name)[:200],
                position=position,
                width=clean.width,
                height=clean.height,
            )
            catalogue_changed()
            # robust: a broker that is down leaves the renditions pending, and the sweep
            # makes them.
            transaction.on_commit(lambda: task_queue(RENDER_TASK, image.pk), robust=True)
    except BaseException:
        _delete_files([name])
        raise
    return image


@transaction.atomic
def product_image_update(*, image: ProductImage, alt: str, position: int) -> ProductImage:
    """Change a picture's alt text and place; its file never changes (upload a new one)."""
    image.alt = (alt.strip() or image.product.name)[:200]
    image.position = position
    image.save(update_fields=["alt", "position"])
    catalogue_changed()
    return image


@transaction.atomic
def product_image_delete(*, image: ProductImage) -> None:
    """Remove a picture; its file and renditions are deleted once that is committed."""
    names = [image.image.name, *image.renditions.values()]
    image.delete()
    catalogue_changed()
    transaction.on_commit(lambda: _delete_files(names))


def _delete_files(names: list[str]) -> None:
    """Delete stored files; one that cannot be deleted is logged and left (it harms no one)."""
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:
            logger.exception("Could not delete the stored file %s; it is left behind", name)


def rendition_name(original: str, width: int) -> str:
    path = PurePosixPath(original)
    return str(path.parent / "renditions" / f"{path.stem}-{width}.webp")


def image_renditions_make(*, image_id: int) -> ProductImage | None:
    """Make the picture's renditions, if no one else has made or is making them.

    A conditional update claims the picture first, so a task delivered twice makes them
    once; a claim older than RENDITIONS_CLAIM_TIMEOUT (its worker died) may be taken over.
    A failure is recorded and raised, for the task to retry; after RENDITIONS_MAX_ATTEMPTS
    the picture is marked failed and logged at ERROR (admin shows it on the product).
    Returns the picture when this call made them, None otherwise.
    """
    now = timezone.now()
    claimed = (
        ProductImage.objects.filter(pk=image_id)
        .filter(
            Q(renditions_status=Status.PENDING)
            | Q(
                renditions_status=Status.MAKING,
                renditions_claimed_at__lt=now - RENDITIONS_CLAIM_TIMEOUT,
            )
        )
        .update(
            renditions_status=Status.MAKING,
            renditions_claimed_at=now,
            renditions_attempts=F("renditions_attempts") + 1,
        )
    )
    if not claimed:
        return None
    image = ProductImage.objects.get(pk=image_id)
    try:
        names = _renditions_store(image)
    except Exception as error:
        gave_up = image.renditions_attempts >= RENDITIONS_MAX_ATTEMPTS
        ProductImage.objects.filter(pk=image_id, renditions_status=Status.MAKING).update(
            renditions_status=Status.FAILED if gave_up else Status.PENDING,
            renditions_error=repr(error)[:500],
        )
        logger.log(
            logging.ERROR if gave_up else logging.WARNING,
            "Renditions of picture %s failed (attempt %s%s): %r",
            image_id,
            image.renditions_attempts,
            ", given up" if gave_up else "",
            error,
        )
        raise
    made = ProductImage.objects.filter(pk=image_id, renditions_status=Status.MAKING).update(
        renditions_status=Status.READY, renditions=names, renditions_error=""
    )
    if not made:  # the picture was deleted meanwhile: so are the renditions
        _delete_files(list(names.values()))
        return None
    catalogue_changed()
    image.renditions, image.renditions_status = names, Status.READY
    return image


def _renditions_store(image: ProductImage) -> dict[str, str]:
    names = {}
    with default_storage.open(image.image.name, "rb") as stored, Image.open(stored) as picture:
        widest = max(settings.IMAGE_RENDITION_WIDTHS)
        picture.draft("RGB", (widest, widest * picture.height // picture.width))
        picture = picture.convert("RGBA" if _has_alpha(picture) else "RGB")
        for width in settings.IMAGE_RENDITION_WIDTHS:
            height = max(1, round(image.height * width / image.width))
            out = BytesIO()
            picture.resize((width, height), Image.Resampling.LANCZOS).save(
                out, "WEBP", quality=RENDITION_QUALITY
            )
            name = rendition_name(image.image.name, width)
            # A second run (after a stale claim) replaces, never adds a suffixed copy.
            default_storage.delete(name)
            names[str(width)] = default_storage.save(name, ContentFile(out.getvalue()))
    return names


def image_renditions_sweep() -> int:
    """Queue the renditions a lost task left unmade (a broker down at upload, a worker
    killed mid-way); returns how many were queued."""
    now = timezone.now()
    due = ProductImage.objects.filter(
        Q(renditions_status=Status.PENDING, created_at__lt=now - RENDITIONS_SWEEP_AFTER)
        | Q(
            renditions_status=Status.MAKING,
            renditions_claimed_at__lt=now - RENDITIONS_CLAIM_TIMEOUT,
        )
    ).values_list("pk", flat=True)
    queued = 0
    for image_id in due:
        task_queue(RENDER_TASK, image_id)
        queued += 1
    return queued
