"""Image scans for tests: what a scanner or a phone writes, at a chosen size and resolution (Pillow)."""

import io

from PIL import Image

A4_200 = (1654, 2339)  # an A4 page at 200 dpi
A4_150 = (1240, 1754)  # at 150 dpi


def scan(
    size: tuple[int, int] = A4_200,
    *,
    dpi: tuple[int, int] | None = (200, 200),
    fmt: str = "JPEG",
    mode: str = "RGB",
    pages: int = 1,
    colour: str = "#d33",
) -> bytes:
    """An image file of `pages` frames (several only for TIFF); `dpi=None` writes no resolution at all."""
    frames = [Image.new(mode, size, colour if mode != "1" else 1) for _ in range(pages)]
    out = io.BytesIO()
    options = {"dpi": dpi} if dpi else {}
    if pages > 1:
        options.update(save_all=True, append_images=frames[1:])
    frames[0].save(out, fmt, **options)
    return out.getvalue()
