"""How signatures and the clerk's fields look: fonts, the pyHanko glyph-width fix, image and text styles, time text.

NĐ 30/2020 Phụ lục I: Times New Roman-compatible Vietnamese font (Liberation Serif 2, from fonts-liberation2; the
1.x package lacks the precomposed Vietnamese letters), the leader's signature as a transparent blue PNG, the seal
as a red PNG at its real size, attachment and copy stamps in 10 pt regular black, times in ISO 8601 with +07:00.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from fontTools import ttLib
from PIL import Image
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.font.api import FontEngineFactory
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import StaticStampStyle, TextStampStyle

from app.core.clock import LOCAL_TZ
from app.signing.errors import InvalidImage

FONT_DIR = "/usr/share/fonts/truetype/liberation2"
SERIF = f"{FONT_DIR}/LiberationSerif-Regular.ttf"
SERIF_BOLD = f"{FONT_DIR}/LiberationSerif-Bold.ttf"
SERIF_ITALIC = f"{FONT_DIR}/LiberationSerif-Italic.ttf"
SERIF_BOLD_ITALIC = f"{FONT_DIR}/LiberationSerif-BoldItalic.ttf"

FIELD_FONT_SIZE = 13  # Phụ lục I: "Số, ký hiệu" 13 pt upright; "Địa danh, ngày" 13–14 pt italic
STAMP_FONT_SIZE = 10  # Phụ lục I II.8.b and Phần II.I.3.c: 10 pt, regular, upright, black
# pyHanko's TextBox puts the last baseline on the bottom margin; 5 pt at 13 pt keeps descenders inside the
# appearance's clip box. A field whose rectangle starts 5 pt under a printed baseline writes on that baseline.
FIELD_BASELINE_OFFSET = 5.0

_LOWER = "aăâbcdđeêghiklmnoôơpqrstuưvxy" + "àảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
# Every letter of Vietnamese plus ASCII: what the /DR font subset must hold for a viewer that rebuilds a field.
# fontTools warns on every subset that it drops Liberation's FontForge timestamp table (FFTM): noise.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)

VN_REPERTOIRE = "".join(sorted(set(_LOWER + _LOWER.upper() + "".join(chr(c) for c in range(0x20, 0x7F)))))
_REPERTOIRE_SET = frozenset(VN_REPERTOIRE)


def nfc(text: str) -> str:
    """NFC: decomposed Vietnamese (NFD) renders with misplaced marks in every PDF font engine we use."""
    return unicodedata.normalize("NFC", text)


def iso_time(moment: datetime) -> str:
    """ISO 8601 in Vietnam time to the second, e.g. 2026-11-22T09:30:00+07:00 (Phụ lục I II.8.b)."""
    return moment.astimezone(LOCAL_TZ).isoformat(timespec="seconds")


# --- fonts ------------------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _font_bytes(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


# What stamps and fields may contain: Latin-1, the Vietnamese letters (precomposed, plus the combining marks
# for text that escaped NFC), typographic punctuation, ₫ and №.
_STAMP_RANGES = ((0x20, 0x7E), (0xA0, 0x17F), (0x1A0, 0x1B0), (0x300, 0x323), (0x1EA0, 0x1EF9), (0x2010, 0x205E))
STAMP_CHARACTERS = frozenset(chr(c) for lo, hi in _STAMP_RANGES for c in range(lo, hi + 1)) | {"₫", "№"}


@lru_cache(maxsize=8)
def _stamp_font_bytes(path: str) -> bytes:
    """The font cut down to STAMP_CHARACTERS, once per process, for pyHanko to subset further.

    pyHanko subsets the font for every appearance it writes; on the whole Liberation font (2,600 glyphs, large
    layout tables) fontTools needs ~60 ms each time, on this copy ~3 ms. What ends up in the PDF is still a
    plain embedding subset of the original font (outlines and metrics unchanged, names and licence kept).
    """
    from fontTools import subset

    options = subset.Options(layout_closure=False)
    options.retain_gids = False  # pyHanko uses the glyph ids of the font it is given: this copy's
    options.name_IDs = ["*"]  # keep the copyright and licence records
    options.notdef_outline = True
    # pyHanko drops the OpenType layout tables from what it embeds anyway (glyph positions go into the content
    # stream), and decoding them is what made its per-appearance subset slow. Kerning survives in the legacy
    # 'kern' table, which HarfBuzz uses when GPOS is absent; NFC text needs no mark positioning. Hinting
    # instructions are dropped too: viewers rasterise stamps unhinted or auto-hinted.
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "FFTM"]
    options.hinting = False
    font = ttLib.TTFont(io.BytesIO(_font_bytes(path)))
    cmap = font.getBestCmap()
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=[ord(ch) for ch in STAMP_CHARACTERS if ord(ch) in cmap])
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


@lru_cache(maxsize=8)
def _metrics(path: str) -> tuple[dict[int, str], dict[str, tuple[int, int]], int]:
    font = ttLib.TTFont(io.BytesIO(_font_bytes(path)), lazy=True)
    return font.getBestCmap(), dict(font["hmtx"].metrics), font["head"].unitsPerEm


def text_width(text: str, font_path: str, size: float) -> float:
    """Advance width of `text` in points (no kerning; Liberation's kerning is small enough for box sizing)."""
    cmap, hmtx, upem = _metrics(font_path)
    units = sum(hmtx.get(cmap.get(ord(ch), ".notdef"), (0, 0))[0] for ch in nfc(text))
    return units * size / upem


class _UpemFixGlyphAccumulator(GlyphAccumulator):
    """pyHanko 0.38's GlyphAccumulator writes /W widths, TJ kerning and FontDescriptor metrics in raw font units.

    PDF wants 1/1000 em, so this only works for fonts with unitsPerEm 1000; Liberation, Times New Roman, Arial
    and DejaVu use 2048 and come out with about twice the letter spacing, running out of the box (spec/signing.md
    §0.2; still in pyHanko's git HEAD, hence the <0.39 pin). We shape at scale 1000 and rescale the PDF-side
    metrics; the font program is not rescaled (a modified Liberation font would have to be renamed, OFL).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        upem = self.units_per_em
        self._w_scale = 1000 / upem
        if upem != 1000:
            self.hb_font.scale = (1000, 1000)  # HarfBuzz advances and offsets in 1/1000 em
            self.units_per_em = 1000
            descriptor = self.cidfont_obj._font_descriptor
            for key in ("/Ascent", "/Descent", "/CapHeight"):
                descriptor[key] = generic.NumberObject(round(int(descriptor[key]) * self._w_scale))
            descriptor["/FontBBox"] = generic.ArrayObject(
                generic.NumberObject(round(int(v) * self._w_scale)) for v in descriptor["/FontBBox"]
            )

    def shape(self, txt: str, with_actual_text: bool = True):
        """Shape without an /ActualText span: PDFium (Chrome's viewer, our text extraction) places the characters
        of an ActualText span inside a form XObject at the form's own coordinates, so search and selection miss
        them. The ToUnicode map pyHanko writes covers NFC Vietnamese, one glyph per character."""
        return super().shape(txt, with_actual_text=False)

    def _get_cid_and_width(self, glyph_id):
        if glyph_id in self._glyphs:
            return self._glyphs[glyph_id]
        cid, width = super()._get_cid_and_width(glyph_id)
        self._glyphs[glyph_id] = result = (cid, round(width * self._w_scale))
        return result


@dataclass(frozen=True)
class FixedGlyphAccumulatorFactory(GlyphAccumulatorFactory):
    """GlyphAccumulatorFactory with the width fix, reading the font from a process-wide cut-down copy.

    pyHanko's own factory opens the file and never closes it (a ResourceWarning per stamp).
    """

    def create_font_engine(self, writer, obj_stream=None):
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return _UpemFixGlyphAccumulator(
            writer=writer,
            font_handle=io.BytesIO(_stamp_font_bytes(self.font_file)),
            font_size=self.font_size,
            ot_script_tag=self.ot_script_tag,
            ot_language_tag=self.ot_language_tag,
            writing_direction=self.writing_direction,
            bcp47_lang_code=self.bcp47_lang_code,
            obj_stream=obj_stream,
        )


class _EmbeddedFontAccumulator(_UpemFixGlyphAccumulator):
    """Shapes with a font program already embedded in the PDF and refers to that font instead of writing one."""

    def __init__(self, *args, font_ref, **kwargs):
        super().__init__(*args, **kwargs)
        self._font_ref = font_ref  # replaces the placeholder pyHanko allocated; the placeholder stays unused

    def prepare_write(self):
        pass  # nothing to embed: the font object exists


@dataclass(frozen=True)
class EmbeddedFontFactory(FontEngineFactory):
    """Font engine factory for a font the document already embeds (the /AcroForm /DR font added before signing).

    The clerk's fields then add no font program of their own: the issue step skips fontTools' subsetting and
    the issued file is ~16 kB smaller. The font program must be one of ours (a pyHanko subset keeping glyph ids,
    /CIDToGIDMap /Identity) and hold every glyph the text needs (see `covers`).
    """

    font_ref: generic.IndirectObject
    font_program: bytes
    font_size: int = FIELD_FONT_SIZE

    def create_font_engine(self, writer, obj_stream=None):
        return _EmbeddedFontAccumulator(
            writer=writer, font_handle=io.BytesIO(self.font_program), font_size=self.font_size, font_ref=self.font_ref
        )


def covers(text: str) -> bool:
    """Whether a /DR font (shaped with VN_REPERTOIRE when added) has every glyph `text` needs."""
    return set(text) <= _REPERTOIRE_SET


# --- field and stamp styles ---------------------------------------------------------------------------------


def field_style(
    font_path: str, *, centred: bool, shrink: bool = False, font: FontEngineFactory | None = None
) -> TextBoxStyle:
    """13 pt black text standing on the field's baseline (bottom + 5 pt), left-aligned or centred.

    `shrink` lets a text wider than the field scale down instead of being clipped (the date field's width was
    fixed when the leader signed, the place name comes later). `font` overrides the font engine (an embedded
    /DR font), `font_path` being the same face.
    """
    return TextBoxStyle(
        font=font or FixedGlyphAccumulatorFactory(font_path, font_size=FIELD_FONT_SIZE),
        font_size=FIELD_FONT_SIZE,  # both must say 13: TextBox takes Tf from here, the engine its positioning
        text_color=(0, 0, 0),
        box_layout_rule=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID if centred else layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MIN,
            margins=layout.Margins(left=2, right=2, bottom=FIELD_BASELINE_OFFSET),
            inner_content_scaling=(layout.InnerScaling.SHRINK_TO_FIT if shrink else layout.InnerScaling.NO_SCALING),
        ),
    )


def image_style(png: bytes) -> StaticStampStyle:
    """The PNG alone, alpha kept (pyHanko writes it as /SMask), stretched over the field box.

    pyHanko's defaults would add a 3 pt border and 5 pt margins and never scale up; the box is computed at
    the image's real size (or scaled with its aspect kept), so stretching is exact.
    """
    try:
        image = Image.open(io.BytesIO(png))
        image.load()
    except (OSError, ValueError) as exc:  # PIL's UnidentifiedImageError is an OSError
        raise InvalidImage(details={"error": str(exc)}) from exc
    if image.mode not in ("RGB", "RGBA", "L", "LA"):  # palette and 1-bit scans: pyHanko wants these, alpha kept
        image = image.convert("RGBA")
    return StaticStampStyle(
        background=PdfImage(image),
        background_opacity=1.0,
        border_width=0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins(),
            inner_content_scaling=layout.InnerScaling.STRETCH_TO_FIT,
        ),
    )


def image_size_pt(png: bytes, default_dpi: float = 300.0) -> tuple[float, float]:
    """Real size of a scanned image in points, from its DPI tag (`default_dpi` when it has none)."""
    image = Image.open(io.BytesIO(png))
    dpi = image.info.get("dpi") or (default_dpi, default_dpi)
    return image.width / float(dpi[0] or default_dpi) * 72, image.height / float(dpi[1] or default_dpi) * 72


@dataclass(frozen=True)
class VnTextStampStyle(TextStampStyle):
    """A text stamp whose %(ts)s is ISO 8601 in Vietnam time, e.g. 2026-11-22T09:30:00+07:00.

    pyHanko formats the signing time with `timestamp_format`; Python 3.11's strftime has no %:z, so the +0700
    it writes is rewritten from the same instant pyHanko puts in /M and the CMS signingTime.
    """

    timestamp_format: str = "%Y-%m-%dT%H:%M:%S%z"

    def create_stamp(self, writer, box, text_params):
        params = dict(text_params)
        if re.fullmatch(r".*[+-]\d{4}", params.get("ts", "")):
            params["ts"] = iso_time(datetime.strptime(params["ts"], "%Y-%m-%dT%H:%M:%S%z"))
        return super().create_stamp(writer, box, params)


STAMP_LEADING = 11  # 10 pt text, tight: a copy's stamp must fit in the top margin above the agency block
STAMP_MARGIN = 2  # int: pyHanko computes box aspect ratios as Fractions, which refuse floats


def corner_stamp_style(template: str) -> VnTextStampStyle:
    """Liberation Serif 10 pt black lines, no border or background, kept at exactly 10 pt.

    Used for the organisation's signature on attachments (Phụ lục I II.8.b) and on electronic copies
    (Phần II.I.3): `template` is pyHanko's %(name)s interpolation, %(ts)s being the signing time.
    """
    top_left = layout.SimpleBoxLayoutRule(
        x_align=layout.AxisAlignment.ALIGN_MIN,
        y_align=layout.AxisAlignment.ALIGN_MAX,
        margins=layout.Margins(STAMP_MARGIN, STAMP_MARGIN, STAMP_MARGIN, STAMP_MARGIN),
        inner_content_scaling=layout.InnerScaling.NO_SCALING,
    )
    return VnTextStampStyle(
        stamp_text=template,
        text_box_style=TextBoxStyle(
            font=FixedGlyphAccumulatorFactory(SERIF, font_size=STAMP_FONT_SIZE),
            font_size=STAMP_FONT_SIZE,
            text_color=(0, 0, 0),
            box_layout_rule=top_left,
            leading=STAMP_LEADING,
        ),
        border_width=0,
        background=None,
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MAX,
            inner_content_scaling=layout.InnerScaling.NO_SCALING,
        ),
    )


def corner_stamp_size(lines: list[str]) -> tuple[float, float]:
    """Width and height a corner stamp of these lines needs (the time line is measured with a sample time)."""
    width = max(text_width(line, SERIF, STAMP_FONT_SIZE) for line in lines)
    return width + 2 * STAMP_MARGIN + 4, STAMP_LEADING * len(lines) + 2 * STAMP_MARGIN + 2


def wrap_text(text: str, font_path: str, size: float, max_width: float) -> list[str]:
    """Greedy word wrap of `text` into lines no wider than `max_width` (a single long word stays whole)."""
    lines: list[str] = []
    for word in nfc(text).split():
        if lines and text_width(f"{lines[-1]} {word}", font_path, size) <= max_width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines
