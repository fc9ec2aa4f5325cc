"""Pictures for the upload tests, drawn with Pillow: a phone photo with its GPS position in
EXIF, and the files an upload must refuse."""

import struct
import zlib
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

GPS_IFD = 0x8825


def photo_bytes(
    size=(1200, 900), image_format="JPEG", colour=(200, 120, 40), *, exif=True
) -> bytes:
    """A picture with a shape on it; a JPEG carries a camera, a GPS position and an
    orientation in EXIF as a phone's photo does."""
    picture = Image.new("RGB", size, colour)
    ImageDraw.Draw(picture).ellipse(
        (size[0] // 4, size[1] // 4, size[0] * 3 // 4, size[1] * 3 // 4), fill=(90, 50, 20)
    )
    options = {}
    if exif and image_format in {"JPEG", "WEBP", "PNG"}:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        data[0x0110] = "Phone 15"  # Model
        data.get_ifd(GPS_IFD).update({1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)})
        options["exif"] = data.tobytes()
    out = BytesIO()
    picture.save(out, image_format, **options)
    return out.getvalue()


def upload(content: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def truncated_jpeg() -> bytes:
    whole = photo_bytes(exif=False)
    return whole[: len(whole) // 2]


def bomb_png(width=50_000, height=50_000) -> bytes:
    """A small PNG whose header claims width x height pixels (2.5 gigapixels by default):
    its zeros compress a thousandfold, so decoding it would fill the memory."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = zlib.compress(b"\0" * 100_000)  # the first rows only: nobody should read further
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>alert(1)</script><rect width="10" height="10"/></svg>'
)
