"""Digitised paper: image scans become one PDF that meets the digitising standard, or are refused whole.

NĐ 30/2020 Điều 22.3.b sends the digitising of a paper văn bản đến to Phụ lục I (Phần I, mục IV of the copies'
rules, legal.md §2): "định dạng Portable Document Format (.pdf), phiên bản 1.4 trở lên; ảnh màu; độ phân giải
tối thiểu 200 dpi; tỷ lệ số hóa 100%".

- Every image (JPG, PNG, TIFF, each page of a multi-page TIFF) is one page of one PDF, in the order given; img2pdf
  embeds JPEG bytes as they are and PNG/TIFF losslessly, so the pixels scanned are the pixels kept. The page size
  is the image's size at its resolution (100 %); the file is written as PDF 1.4 at least (pikepdf).
- Resolution: the DPI the scanner wrote into the image (JFIF/EXIF, PNG pHYs, TIFF tags). A value that makes the
  page larger than A3 with a margin (long side > 500 mm) is a placeholder, not a measurement — cameras and phone
  apps write 72 or 96 dpi whatever they captured —, so is one that makes it smaller than an A6 card (long side
  < 140 mm: an administrative document is on A4, and an A4 scan claiming 600 dpi would show at a third of its
  size), and so is a missing one: the resolution is then computed from
  the pixel size as if the image were an A4 page (the paper an administrative document is on, Phụ lục I Phần I
  mục I.1), and the page is A4. Under 200 dpi (rounded) on either axis the scan is refused with the measured value
  and how it was measured; nothing is stored.
- Colour: a bitonal (1-bit) scan is refused too — it cannot be "ảnh màu"; grey and colour scans pass.
"""

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageSequence

from app.core.errors import ValidationError
from app.documents.uploads import Upload

MIN_DPI = 200  # Phụ lục I: độ phân giải tối thiểu 200 dpi
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/tiff"})
A4_MM = (210.0, 297.0)
MAX_PLAUSIBLE_MM = 500.0  # A3 is 420 mm long: a "page" longer than this says the DPI in the file is not real
MIN_PLAUSIBLE_MM = 140.0  # A6 is 148 mm long: a "page" shorter than this is an A4 scan with a wrong DPI written
MM_PER_INCH = 25.4


@dataclass(frozen=True)
class ScannedPage:
    filename: str
    page: int  # 1-based, within its file (a multi-page TIFF has several)
    width_px: int
    height_px: int
    dpi: tuple[float, float]
    measured_from: str  # "metadata": the DPI written in the file; "a4": pixels over an A4 page

    @property
    def resolution(self) -> int:
        return round(min(self.dpi))


def effective_dpi(width_px: int, height_px: int, written: tuple | None) -> tuple[tuple[float, float], str]:
    """The resolution of a scan: the DPI written in the file when plausible, else computed against an A4 page."""
    if written and min(written) >= 10:
        long_side_mm = max(width_px / written[0], height_px / written[1]) * MM_PER_INCH
        if MIN_PLAUSIBLE_MM <= long_side_mm <= MAX_PLAUSIBLE_MM:
            return (float(written[0]), float(written[1])), "metadata"
    short_px, long_px = sorted((width_px, height_px))
    dpi = min(short_px / (A4_MM[0] / MM_PER_INCH), long_px / (A4_MM[1] / MM_PER_INCH))
    return (dpi, dpi), "a4"


def measure(upload: Upload) -> list[ScannedPage]:
    """Every page of an image file with its resolution; ValidationError when the file is not a readable image."""
    pages = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(upload.data)) as image:
                for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
                    if frame.mode == "1":
                        _refuse(
                            f"Ảnh quét “{upload.filename}”{_page(number, image)} là ảnh đen trắng (1 bit); văn bản "
                            "số hóa phải là ảnh màu (NĐ 30/2020 Điều 22.3.b, Phụ lục I).",
                            "scan_not_colour",
                        )
                    written = frame.info.get("dpi")
                    dpi, source = effective_dpi(frame.width, frame.height, tuple(written) if written else None)
                    pages.append(ScannedPage(upload.filename, number, frame.width, frame.height, dpi, source))
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        _refuse(f"Không đọc được ảnh quét “{upload.filename}”: {exc}", "invalid_scan")
    return pages


def check_resolution(pages: list[ScannedPage]) -> None:
    """Refuse the first page under MIN_DPI, saying what was measured and how."""
    for page in pages:
        if page.resolution < MIN_DPI:
            how = (
                "theo thông tin độ phân giải ghi trong tệp"
                if page.measured_from == "metadata"
                else f"tính theo khổ A4 từ kích thước {page.width_px}×{page.height_px} điểm ảnh"
            )
            _refuse(
                f"Ảnh quét “{page.filename}”{f' (trang {page.page})' if page.page > 1 else ''} có độ phân giải "
                f"{page.resolution} dpi ({how}), thấp hơn mức tối thiểu {MIN_DPI} dpi của văn bản số hóa "
                f"(NĐ 30/2020 Điều 22.3.b, Phụ lục I). Vui lòng quét lại với độ phân giải từ {MIN_DPI} dpi trở lên.",
                "scan_resolution_too_low",
            )


def images_to_pdf(uploads: list[Upload]) -> bytes:
    """One PDF (version 1.4 or later) of every page of the images, in order; checked first (resolution, colour)."""
    import img2pdf  # only when used: img2pdf and pikepdf, ~4 MiB less in every server process
    import pikepdf

    pages = [page for upload in uploads for page in measure(upload)]
    check_resolution(pages)
    sources = [_without_alpha(upload.data) for upload in uploads]
    try:
        data = img2pdf.convert(sources, layout_fun=_layout, nodate=True)
    except (img2pdf.ImageOpenError, img2pdf.UnsupportedColorspaceError, img2pdf.JpegColorspaceError, ValueError) as e:
        _refuse(f"Không chuyển được ảnh quét thành PDF: {e}", "invalid_scan")
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(out, min_version="1.4", deterministic_id=True)
    return out.getvalue()


def digitise(uploads: list[Upload], *, name: str = "van-ban-so-hoa.pdf") -> list[Upload]:
    """The files of a paper document as they are kept: its image scans merged into one PDF, the rest as given.

    The main file is the PDF: the merged scan when the first file (the main one) is an image, else that first file,
    which must then be a PDF (a scan already in PDF is kept as it is); images after a PDF main file become one PDF
    attachment. Office files and archives stay attachments.
    """
    uploads = sorted(uploads, key=lambda u: not u.is_main)  # the main file first, the others in their order
    images = [u for u in uploads if u.content_type in IMAGE_TYPES]
    others = [u for u in uploads if u.content_type not in IMAGE_TYPES]
    main_is_image = bool(uploads) and uploads[0].content_type in IMAGE_TYPES
    if not main_is_image and uploads and uploads[0].content_type != "application/pdf":
        message = (
            f"Văn bản chính “{uploads[0].filename}” của văn bản giấy số hóa phải là tệp PDF hoặc ảnh quét "
            "(JPG, PNG, TIFF) (NĐ 30/2020 Điều 22.3.b, Phụ lục I)."
        )
        raise ValidationError("Tệp văn bản chưa hợp lệ.", code="invalid_files", details={"files": message})
    result = [Upload(u.filename, u.data, is_main=False) for u in others]
    if images:
        scan_name = name if main_is_image else "phu-luc-so-hoa.pdf"
        scan = Upload(scan_name, images_to_pdf(images), is_main=main_is_image, digitised=True)
        result.insert(0 if main_is_image else len(result), scan)
    if not main_is_image and result:
        result[0].is_main = True
    return result


def _layout(width_px: int, height_px: int, ndpi: tuple[float, float]):
    """Page size at the scan's own resolution (100 %), A4-derived when the file's DPI is missing or implausible."""
    dpi, _source = effective_dpi(width_px, height_px, ndpi)
    width_pt, height_pt = width_px / dpi[0] * 72, height_px / dpi[1] * 72
    return width_pt, height_pt, width_pt, height_pt


def _without_alpha(data: bytes) -> bytes:
    """img2pdf refuses a transparency channel (PDF images have none): flatten such an image onto white paper."""
    with Image.open(io.BytesIO(data)) as image:
        if image.mode not in ("RGBA", "LA", "PA") and "transparency" not in image.info:
            return data
        frames = []
        for frame in ImageSequence.Iterator(image):
            rgba = frame.convert("RGBA")
            page = Image.new("RGB", rgba.size, "white")
            page.paste(rgba, mask=rgba.getchannel("A"))
            frames.append((page, frame.info.get("dpi")))
    out = io.BytesIO()
    extra = {"dpi": frames[0][1]} if frames[0][1] else {}
    rest = [page for page, _dpi in frames[1:]]
    frames[0][0].save(out, "TIFF", compression="tiff_deflate", save_all=True, append_images=rest, **extra)
    return out.getvalue()


def _page(number: int, image) -> str:
    return f" (trang {number})" if getattr(image, "n_frames", 1) > 1 else ""


def _refuse(message: str, code: str):
    raise ValidationError(message, code=code, details={"files": message})
