"""Signature and seal images generated from names (never images taken from elsewhere).

Seed 000 Điều 5.1: the personal signature image is the signer's signature, blue, a PNG with a transparent
background; Điều 5.2: the organization's image is its seal, red, transparent, at the seal's real size. The demo and
a credential added without an image get these generated ones. Each PNG carries a 300 dpi tag, so its real size is
known (`real_size_pt`) and the seal can be placed at real size on the page.

Drawn at a multiple of the final size and scaled down, so strokes and rotated letters are smooth. Deterministic:
the same name always gives the same bytes (the "handwriting" variation is seeded by the name).
"""

from __future__ import annotations

import functools
import hashlib
import io
import math
import random
import unicodedata

from PIL import Image, ImageDraw, ImageFont

DPI = 300
MM_PER_INCH = 25.4
POINTS_PER_INCH = 72
SIGNATURE_BLUE = (31, 63, 191)  # #1f3fbf: ink blue (seed 000 Điều 5.1 "màu xanh")
SEAL_RED = (206, 32, 41)
SIGNATURE_SIZE_MM = (50, 20)
FONT_DIR = "/usr/share/fonts/truetype/liberation2"  # fonts-liberation2: every Vietnamese letter (signing.md §0.1)
ITALIC = f"{FONT_DIR}/LiberationSerif-Italic.ttf"
BOLD = f"{FONT_DIR}/LiberationSerif-Bold.ttf"
SUPERSAMPLE = 4


def _px(mm: float) -> int:
    return round(mm / MM_PER_INCH * DPI)


@functools.lru_cache(maxsize=64)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def _png(image: Image.Image, ink: tuple[int, int, int]) -> bytes:
    """Save a one-colour drawing: every pixel gets the ink colour and the drawing lives in the alpha channel alone.

    Anti-aliased edges then stay the exact ink colour, and the colour planes compress to almost nothing (a seal PNG
    is ~30 kB instead of ~100 kB, and it is embedded in every sealed document).
    """
    flat = Image.new("RGBA", image.size, (*ink, 0))
    flat.putalpha(image.getchannel("A"))
    out = io.BytesIO()
    flat.save(out, format="PNG", dpi=(DPI, DPI), optimize=True)
    return out.getvalue()


def _seeded(text: str) -> random.Random:
    return random.Random(int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big"))


def real_size_pt(png: bytes) -> tuple[float, float]:
    """The image's printed size in PDF points, from its DPI tag (pixels / dpi × 72).

    Raises ValueError for an image without a resolution tag: its real size is unknown.
    """
    with Image.open(io.BytesIO(png)) as image:
        dpi = image.info.get("dpi")
        if not dpi or not dpi[0] or not dpi[1]:
            raise ValueError("image has no resolution (DPI) tag")
        return (
            round(image.width / float(dpi[0]) * POINTS_PER_INCH, 2),
            round(image.height / float(dpi[1]) * POINTS_PER_INCH, 2),
        )


# --- personal signature ------------------------------------------------------------------------------------


def signature_png(full_name: str) -> bytes:
    """A blue, handwriting-like signature of the name: 50 × 20 mm at 300 dpi on a transparent background.

    The family name's initial and the given name in a slanted italic, rising slightly, with a flourish under it.
    """
    name = unicodedata.normalize("NFC", " ".join(full_name.split())) or "?"
    rng = _seeded(name)
    words = name.split()
    text = f"{words[0][0]}. {words[-1]}" if len(words) > 1 else words[0]
    width, height = (_px(mm) * SUPERSAMPLE for mm in SIGNATURE_SIZE_MM)
    canvas = Image.new("RGBA", (width, height), (0, 0, 0, 0))

    # The word, sized to about 70 % of the width, drawn on its own layer so it can be tilted.
    size = int(height * 0.55)
    font = _font(ITALIC, size)
    while font.getlength(text) > width * 0.7 and size > 20:
        size = int(size * 0.92)
        font = _font(ITALIC, size)
    layer = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    baseline = int(height * 0.62)
    x = int(width * rng.uniform(0.08, 0.16))
    draw.text((x, baseline), text, font=font, fill=(*SIGNATURE_BLUE, 255), anchor="ls")
    draw.text((x + SUPERSAMPLE, baseline), text, font=font, fill=(*SIGNATURE_BLUE, 255), anchor="ls")  # pen weight
    # A pen leans further than a typeface: shear the italic to the right, then let the line rise a little.
    shear = rng.uniform(0.2, 0.32)
    layer = layer.transform(
        layer.size, Image.Transform.AFFINE, (1, shear, -shear * baseline, 0, 1, 0), Image.Resampling.BICUBIC
    )
    layer = layer.rotate(rng.uniform(4, 9), resample=Image.Resampling.BICUBIC, center=(x, baseline))
    canvas.alpha_composite(layer)

    # The flourish: one cubic Bézier stroke from under the first letter, dipping, then rising past the name.
    text_end = x + font.getlength(text)
    points = [
        (x - width * 0.02, baseline + height * rng.uniform(0.12, 0.18)),
        (x + width * rng.uniform(0.15, 0.3), baseline + height * rng.uniform(0.3, 0.38)),
        (text_end - width * rng.uniform(0.05, 0.15), baseline + height * rng.uniform(0.02, 0.12)),
        (min(width * 0.97, text_end + width * rng.uniform(0.06, 0.12)), baseline - height * rng.uniform(0.25, 0.4)),
    ]
    ImageDraw.Draw(canvas).line(
        _bezier(points, 120), fill=(*SIGNATURE_BLUE, 255), width=int(SUPERSAMPLE * 3), joint="curve"
    )
    final = canvas.resize((width // SUPERSAMPLE, height // SUPERSAMPLE), Image.Resampling.LANCZOS)
    return _png(final, SIGNATURE_BLUE)


def _bezier(points: list[tuple[float, float]], steps: int) -> list[tuple[float, float]]:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points
    curve = []
    for i in range(steps + 1):
        t = i / steps
        a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
        curve.append((a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3))
    return curve


# --- organization seal -------------------------------------------------------------------------------------


def seal_png(agency_name: str, *, place: str = "", diameter_mm: float = 36) -> bytes:
    """A red round seal: a double outer ring, the agency name around it (the place, if given, along the bottom), an
    inner ring and a five-pointed star in the centre; transparent, `diameter_mm` across at 300 dpi."""
    name = unicodedata.normalize("NFC", " ".join(agency_name.split())).upper()
    place = unicodedata.normalize("NFC", " ".join(place.split())).upper()
    side = _px(diameter_mm) * SUPERSAMPLE
    canvas = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    ink = (*SEAL_RED, 255)
    centre = side / 2
    radius = side / 2 - SUPERSAMPLE  # a pixel of margin so the ring is not clipped by resampling

    outer = max(2, round(side * 0.03))
    thin = max(1, round(side * 0.008))
    _ring(draw, centre, radius, outer, ink)
    ring_gap = radius - outer - side * 0.018
    _ring(draw, centre, ring_gap, thin, ink)
    inner = radius * 0.6
    _ring(draw, centre, inner, thin, ink)

    # The text band lies between the double ring and the inner ring.
    band_out, band_in = ring_gap - thin - side * 0.012, inner + side * 0.012
    size = int((band_out - band_in) * 0.78)
    top_share = 0.66 if place else 0.86  # the fraction of the circle the name may take
    while size > 8:
        font = _font(BOLD, size)
        top_radius = band_in + (band_out - band_in - size * 0.72) / 2  # baseline; capitals rise outward
        if _arc_angle(name, font, top_radius) <= 2 * math.pi * top_share:
            break
        size = int(size * 0.95)
    _text_on_arc(canvas, name, font, centre, top_radius, top=True, ink=ink)
    if place:
        bottom_radius = band_out - (band_out - band_in - size * 0.72) / 2  # baseline; capitals rise inward
        _text_on_arc(canvas, place, font, centre, bottom_radius, top=False, ink=ink)
        arc = (band_in + band_out) / 2
        for side_sign in (-1, 1):  # small stars where the name and the place meet
            _star(draw, (centre + side_sign * arc, centre), size * 0.3, ink)
    else:
        _star(draw, (centre, centre + (band_in + band_out) / 2), size * 0.35, ink)
    _star(draw, (centre, centre), inner * 0.55, ink)
    final = side // SUPERSAMPLE
    return _png(canvas.resize((final, final), Image.Resampling.LANCZOS), SEAL_RED)


def _ring(draw: ImageDraw.ImageDraw, centre: float, radius: float, width: int, ink) -> None:
    box = (centre - radius, centre - radius, centre + radius, centre + radius)
    draw.ellipse(box, outline=ink, width=width)


def _tracking(font: ImageFont.FreeTypeFont) -> float:
    return font.size * 0.12


def _arc_angle(text: str, font: ImageFont.FreeTypeFont, radius: float) -> float:
    return sum(font.getlength(ch) + _tracking(font) for ch in text) / radius


def _text_on_arc(canvas: Image.Image, text: str, font, centre: float, radius: float, *, top: bool, ink) -> None:
    """Letters centred on the top arc (read clockwise, tops outward) or the bottom arc (read left to right, tops
    toward the centre); `radius` is where the baseline runs."""
    total = _arc_angle(text, font, radius)
    angle = -total / 2
    cell = int(font.size * 2.2)
    for ch in text:
        step = (font.getlength(ch) + _tracking(font)) / radius
        middle = angle + step / 2
        angle += step
        if ch == " ":
            continue
        glyph = Image.new("RGBA", (cell, cell), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((cell / 2, cell / 2), ch, font=font, fill=ink, anchor="ms")
        if top:
            x, y = centre + radius * math.sin(middle), centre - radius * math.cos(middle)
            glyph = glyph.rotate(-math.degrees(middle), resample=Image.Resampling.BICUBIC)
        else:
            x, y = centre + radius * math.sin(middle), centre + radius * math.cos(middle)
            glyph = glyph.rotate(math.degrees(middle), resample=Image.Resampling.BICUBIC)
        canvas.alpha_composite(glyph, (round(x - cell / 2), round(y - cell / 2)))


def _star(draw: ImageDraw.ImageDraw, centre: tuple[float, float], radius: float, ink) -> None:
    cx, cy = centre
    inner = radius * 0.382  # the regular pentagram's inner/outer radius ratio
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else inner
        a = math.pi / 5 * i - math.pi / 2
        points.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    draw.polygon(points, fill=ink)
