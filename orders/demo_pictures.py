"""Pictures for the demo catalogue, drawn with Pillow (no downloads): a loaf, a croissant,
a slice of cake, a bottle... each on a soft background, kept through the images service
like any upload."""

from io import BytesIO

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from orders.models import Product
from orders.services.images import product_image_add

WIDTH, HEIGHT = 800, 600
SCALE = 2  # drawn twice as large, then shrunk: smooth edges

CRUST = (176, 112, 52)
DARK_CRUST = (120, 72, 36)
PALE_CRUST = (222, 178, 112)
GOLDEN = (214, 150, 62)
CHOCOLATE = (84, 50, 32)
CREAM = (246, 236, 214)

# sku -> (shape, main colour, background)
DEMO_PICTURES = {
    "BRD-001": ("boule", CRUST, (236, 226, 208)),
    "BRD-002": ("loaf", DARK_CRUST, (228, 222, 206)),
    "BRD-003": ("tin", PALE_CRUST, (232, 236, 240)),
    "BRD-004": ("tin", (150, 104, 62), (236, 230, 214)),
    "BRD-005": ("baguette", GOLDEN, (240, 232, 214)),
    "BRD-006": ("focaccia", (226, 176, 88), (226, 234, 214)),
    "BRD-007": ("loaf", (196, 140, 80), (238, 228, 216)),
    "BRD-008": ("baguette", PALE_CRUST, (226, 230, 222)),
    "PST-001": ("croissant", GOLDEN, (246, 234, 212)),
    "PST-002": ("pain", (206, 140, 60), (238, 226, 214)),
    "PST-003": ("croissant", (226, 170, 96), (240, 230, 222)),
    "PST-004": ("bun", (190, 124, 64), (244, 232, 220)),
    "PST-005": ("bun", (212, 150, 76), (236, 232, 222)),
    "PST-006": ("danish", (232, 150, 48), (246, 238, 220)),
    "PST-007": ("bun", (220, 130, 50), (250, 236, 214)),
    "PST-008": ("twist", (224, 172, 72), (238, 236, 224)),
    "CAK-001": ("loaf_cake", (244, 214, 96), (236, 240, 220)),
    "CAK-002": ("cake", CHOCOLATE, (240, 228, 220)),
    "CAK-003": ("slice", (214, 132, 60), (232, 238, 226)),
    "CAK-004": ("cake", (248, 226, 170), (246, 230, 234)),
    "CAK-005": ("loaf_cake", (150, 100, 56), (240, 234, 220)),
    "CAK-006": ("brownie", CHOCOLATE, (236, 228, 218)),
    "CAK-007": ("slice", (250, 236, 200), (232, 230, 240)),
    "CAK-008": ("slice", (222, 120, 40), (244, 230, 212)),
    "DRK-001": ("bag", (60, 44, 36), (232, 226, 214)),
    "DRK-002": ("tea", (40, 80, 110), (226, 232, 236)),
    "DRK-003": ("bottle", (250, 160, 30), (250, 240, 218)),
    "DRK-004": ("bottle", (228, 196, 104), (236, 240, 222)),
    "DRK-005": ("bottle", (214, 230, 170), (226, 238, 232)),
    "DRK-006": ("cup", CHOCOLATE, (240, 232, 226)),
}


def seed_pictures() -> list[str]:
    """Give every demo product without a picture its drawn one; return lines to print."""
    given = 0
    products = Product.objects.filter(sku__in=DEMO_PICTURES, images__isnull=True)
    for product in products:
        shape, colour, background = DEMO_PICTURES[product.sku]
        product_image_add(
            product=product,
            upload=ContentFile(picture_draw(shape, colour, background), name="demo.jpg"),
            alt=f"A drawing of {product.name}",
        )
        given += 1
    return [f"Pictures: {given} drawn."]


def picture_draw(shape: str, colour, background) -> bytes:
    canvas = Image.new("RGB", (WIDTH * SCALE, HEIGHT * SCALE), background)
    draw = ImageDraw.Draw(canvas)
    # a table top, and the thing's shadow on it
    draw.rectangle(_box(0, 430, 800, 600), fill=_shade(background, 0.93))
    draw.ellipse(_box(170, 400, 630, 470), fill=_shade(background, 0.82))
    SHAPES[shape](draw, colour)
    out = BytesIO()
    canvas.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS).save(out, "JPEG", quality=90)
    return out.getvalue()


def _box(*coords):
    return [c * SCALE for c in coords]


def _shade(colour, factor):
    return tuple(max(0, min(255, round(c * factor))) for c in colour)


def _boule(draw, c):
    draw.ellipse(_box(200, 180, 600, 450), fill=c, outline=_shade(c, 0.7), width=6 * SCALE)
    for x in (330, 400, 470):
        draw.line(_box(x - 40, 250, x + 40, 360), fill=_shade(c, 1.35), width=10 * SCALE)


def _loaf(draw, c):
    draw.rounded_rectangle(_box(170, 250, 630, 440), radius=90 * SCALE, fill=c)
    draw.ellipse(_box(170, 190, 630, 330), fill=c)
    for x in (260, 350, 440, 530):
        draw.arc(_box(x - 40, 220, x + 40, 300), 200, 340, fill=_shade(c, 1.4), width=8 * SCALE)


def _tin(draw, c):
    draw.rectangle(_box(220, 240, 580, 440), fill=_shade(c, 0.9))
    draw.ellipse(_box(210, 170, 590, 310), fill=c)
    draw.rectangle(_box(220, 240, 580, 250), fill=_shade(c, 0.8))


def _baguette(draw, c):
    draw.rounded_rectangle(_box(90, 300, 710, 400), radius=50 * SCALE, fill=c)
    for x in range(170, 650, 110):
        draw.line(_box(x, 320, x + 60, 380), fill=_shade(c, 1.3), width=9 * SCALE)


def _focaccia(draw, c):
    draw.rounded_rectangle(_box(160, 250, 640, 430), radius=30 * SCALE, fill=c)
    for row, y in enumerate(range(285, 420, 45)):
        for x in range(200 + 20 * (row % 2), 620, 60):
            draw.ellipse(_box(x - 9, y - 7, x + 9, y + 7), fill=_shade(c, 0.75))
    for x, y in ((260, 300), (420, 360), (540, 290)):
        draw.line(_box(x, y, x + 30, y - 20), fill=(70, 110, 60), width=5 * SCALE)


def _croissant(draw, c):
    for i, (x0, x1, y0, y1) in enumerate(
        [(150, 300, 300, 420), (480, 640, 300, 420), (230, 380, 240, 430), (420, 570, 240, 430)]
    ):
        draw.ellipse(_box(x0, y0, x1, y1), fill=_shade(c, 0.9 + 0.05 * i))
    draw.ellipse(_box(320, 210, 480, 440), fill=_shade(c, 1.1))
    for x in (300, 400, 500):
        draw.line(_box(x, 250, x, 420), fill=_shade(c, 0.7), width=5 * SCALE)


def _pain(draw, c):
    draw.rounded_rectangle(_box(200, 260, 600, 430), radius=40 * SCALE, fill=c)
    draw.rectangle(_box(250, 300, 550, 318), fill=CHOCOLATE)
    draw.rectangle(_box(250, 372, 550, 390), fill=CHOCOLATE)


def _bun(draw, c):
    draw.ellipse(_box(230, 210, 570, 440), fill=c)
    for r in (140, 100, 60, 25):
        draw.arc(
            _box(400 - r, 325 - r * 0.7, 400 + r, 325 + r * 0.7),
            0,
            300,
            fill=_shade(c, 0.65),
            width=8 * SCALE,
        )


def _danish(draw, c):
    draw.regular_polygon((400 * SCALE, 330 * SCALE, 150 * SCALE), 8, fill=PALE_CRUST)
    draw.ellipse(_box(320, 260, 480, 400), fill=CREAM)
    draw.ellipse(_box(345, 280, 455, 380), fill=c)


def _twist(draw, c):
    for i in range(6):
        x = 180 + i * 80
        draw.ellipse(
            _box(x, 280 + (i % 2) * 30, x + 120, 400 - (i % 2) * 10),
            fill=_shade(c, 0.9 + 0.04 * (i % 2)),
        )
    for x in (240, 400, 560):
        draw.ellipse(_box(x, 300, x + 16, 316), fill=(200, 60, 30))


def _loaf_cake(draw, c):
    draw.rectangle(_box(190, 260, 610, 440), fill=c)
    draw.rounded_rectangle(_box(180, 230, 620, 290), radius=25 * SCALE, fill=(250, 250, 236))
    for x in range(210, 600, 50):
        draw.line(_box(x, 285, x + 10, 330), fill=(250, 250, 236), width=8 * SCALE)


def _cake(draw, c):
    draw.rectangle(_box(200, 250, 600, 440), fill=c)
    draw.ellipse(_box(200, 400, 600, 470), fill=c)
    draw.rectangle(_box(200, 330, 600, 350), fill=(200, 40, 70) if c != CHOCOLATE else CREAM)
    draw.ellipse(_box(200, 200, 600, 300), fill=_shade(c, 1.2) if c != CHOCOLATE else (60, 34, 22))


def _slice(draw, c):
    draw.polygon(_box(190, 430, 610, 430, 560, 250), fill=c)
    draw.polygon(_box(190, 430, 560, 250, 560, 280, 200, 440), fill=CREAM)
    draw.line(_box(210, 400, 590, 400), fill=_shade(c, 0.75), width=10 * SCALE)


def _brownie(draw, c):
    for dx, dy in ((0, 0), (190, 30)):
        draw.rectangle(_box(220 + dx, 260 + dy, 400 + dx, 410 + dy), fill=_shade(c, 1 + dy / 200))
        draw.line(
            _box(230 + dx, 280 + dy, 390 + dx, 300 + dy), fill=_shade(c, 1.6), width=4 * SCALE
        )


def _bag(draw, c):
    draw.polygon(_box(260, 170, 540, 170, 570, 440, 230, 440), fill=c)
    draw.rectangle(_box(260, 170, 540, 200), fill=_shade(c, 0.7))
    draw.rounded_rectangle(_box(300, 270, 500, 370), radius=10 * SCALE, fill=CREAM)
    draw.ellipse(_box(370, 295, 430, 345), fill=(110, 70, 40))


def _tin_box(draw, c):
    draw.rectangle(_box(280, 200, 520, 440), fill=c)
    draw.rectangle(_box(270, 180, 530, 220), fill=_shade(c, 0.7))
    draw.rectangle(_box(300, 280, 500, 360), fill=(220, 190, 110))


def _bottle(draw, c):
    glass = (236, 244, 240)
    draw.rounded_rectangle(_box(310, 210, 490, 445), radius=40 * SCALE, fill=glass)
    draw.rectangle(_box(365, 120, 435, 220), fill=glass)
    draw.rectangle(_box(360, 105, 440, 130), fill=(60, 120, 80))
    draw.rounded_rectangle(_box(320, 250, 480, 438), radius=32 * SCALE, fill=c)
    draw.rectangle(_box(320, 300, 480, 380), fill=CREAM)
    draw.ellipse(_box(380, 320, 420, 360), fill=_shade(c, 0.85))


def _cup(draw, c):
    draw.ellipse(_box(220, 400, 580, 460), fill=(250, 250, 250))
    draw.polygon(_box(270, 250, 530, 250, 500, 430, 300, 430), fill=(250, 250, 250))
    draw.arc(_box(490, 280, 580, 380), 270, 90, fill=(250, 250, 250), width=18 * SCALE)
    draw.ellipse(_box(270, 230, 530, 275), fill=c)


SHAPES = {
    "boule": _boule,
    "loaf": _loaf,
    "tin": _tin,
    "baguette": _baguette,
    "focaccia": _focaccia,
    "croissant": _croissant,
    "pain": _pain,
    "bun": _bun,
    "danish": _danish,
    "twist": _twist,
    "loaf_cake": _loaf_cake,
    "cake": _cake,
    "slice": _slice,
    "brownie": _brownie,
    "bag": _bag,
    "bottle": _bottle,
    "cup": _cup,
    "tea": _tin_box,
}
