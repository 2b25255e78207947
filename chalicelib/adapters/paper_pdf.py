"""The printable paper copy of an e-licence: one A4 page, Arabic first, English alongside.

A paper copy is issued only at the citizen's request; the QR code on it replaces every stamp and
seal, so the page is built around that code. Rendering runs on AWS Lambda (python3.12, x86_64),
which has no libfribidi/libraqm: Arabic is shaped by HarfBuzz from the `uharfbuzz` manylinux wheel
through fpdf2's text shaping, and the fonts ship inside the package (chalicelib/data/fonts).
fpdf2 is imported inside the functions below so that other Lambdas of the app never load it.
"""
from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from chalicelib.domain.printing import PaperLicence
from chalicelib.ports import PaperCopyRenderer

if TYPE_CHECKING:  # pragma: no cover - typing only; fpdf2 loads lazily at render time
    from fpdf import FPDF

    from chalicelib.adapters.bidi_pdf import BidiWriter

FONTS_DIR = Path(__file__).resolve().parent.parent / "data" / "fonts"
LATIN_FAMILY = "NotoSans"
ARABIC_FAMILY = "NotoNaskhArabic"

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
QR_SIDE_MM = 50  # quiet zone included; leaves the modules about 4 cm wide on paper
QR_MIN_SIDE_MM = 45  # below this a printed code gets hard for a phone camera to read
QR_CAPTIONS_MM = 20  # the caption and the wrapped verify URL under the code
COORDINATE_DECIMALS = 5  # about 1 m on the ground: enough to find the site, as in the QR

PAGE_WIDTH_MM = 210
MARGIN_MM = 15
CONTENT_WIDTH_MM = PAGE_WIDTH_MM - 2 * MARGIN_MM
LABEL_COLUMN_MM = 48
FOOTER_TOP_MM = 297 - MARGIN_MM - 24

# Arabic and English apart (Arabic on the right, first, at least as large): no dash or
# parenthesis inside an Arabic run (chalicelib/adapters/bidi_pdf.py says why).
TITLE = ("رخصة إلكترونية", "Electronic Licence")
GOVERNORATE = ("محافظة الإسكندرية", "Alexandria Governorate")
QR_CAPTION = ("امسح الرمز للتحقق من الرخصة", "Scan the code to verify this licence")
FOOTER_AR = (
    "رمز الاستجابة السريعة QR على هذه الرخصة يحل محل الطوابع والأختام.\n"
    "يمكن التحقق من صحة الرخصة وحالتها الحالية بمسح الرمز."
)
FOOTER_EN = (
    "The QR code on this licence replaces stamps and seals. "
    "The licence and its current status can be verified by scanning the code."
)
PAPER_COPY_NOTE = ("نسخة ورقية صدرت بناء على طلب صاحب الرخصة",
                   "Paper copy issued at the holder's request")

STATUS_LABELS: dict[str, tuple[str, str]] = {
    "active": ("سارية", "Active"),
    "expired": ("منتهية", "Expired"),
    "suspended": ("موقوفة", "Suspended"),
    "revoked": ("ملغاة", "Revoked"),
}


def font_code_points() -> frozenset[int]:
    """Every code point the paper copy can draw: those with a glyph in both weights of Noto Sans
    or (the fallback) of Noto Naskh Arabic, read from the fonts' cmap tables with fontTools
    (which fpdf2 depends on). chalicelib/data/fonts/printable.json holds the same set for the
    input checks (tests/unit/test_paper_pdf.py keeps them equal)."""
    from fontTools.ttLib import TTFont

    printable: set[int] = set()
    for family in (LATIN_FAMILY, ARABIC_FAMILY):
        weights = [set(TTFont(str(FONTS_DIR / f"{family}-{weight}.ttf"), lazy=True)
                       .getBestCmap()) for weight in ("Regular", "Bold")]
        printable |= set.intersection(*weights)
    return frozenset(printable)


def render_paper_copy(licence: PaperLicence, qr_png: bytes) -> bytes:
    """Render the licence's printable copy as a one-page A4 PDF and return its bytes.

    `qr_png` is the licence's QR code (pointing at `licence.verify_url`) as a PNG image.
    Text is written by chalicelib/adapters/bidi_pdf.py, so it reads back in logical order.
    """
    from chalicelib.adapters.bidi_pdf import BidiWriter

    if not qr_png.startswith(PNG_SIGNATURE):
        raise ValueError("qr_png must be a PNG image")
    pdf = _new_document(licence)
    writer = BidiWriter(pdf)
    y = _write_header(writer)
    y = _write_fields(writer, licence, y)
    _write_qr(writer, qr_png, licence.verify_url, y)
    _write_footer(writer)
    return bytes(pdf.output())


def field_rows(licence: PaperLicence) -> list[tuple[str, str, str]]:
    """The table's rows as (English label, value, Arabic label); values may hold two lines."""
    status_ar, status_en = STATUS_LABELS.get(licence.status, (licence.status, licence.status))
    return [
        ("Licence number", licence.number, "رقم الرخصة"),
        ("Licence type", f"{licence.kind_ar}\n{licence.kind_en}", "نوع الرخصة"),
        ("District", f"{licence.district_ar}\n{licence.district_en}", "الحي"),
        ("Licence holder", licence.holder_name, "صاحب الرخصة"),
        ("National ID", licence.holder_national_id_masked, "الرقم القومي"),
        ("Site address", licence.site_address, "عنوان الموقع"),
        ("Site coordinates\n(latitude, longitude)", format_coordinates(licence.lat, licence.lng),
         "إحداثيات الموقع\nخط العرض، خط الطول"),
        ("Valid from", licence.valid_from.isoformat(), "سارية من"),
        ("Valid until", licence.valid_until.isoformat(), "سارية حتى"),
        ("Status", f"{status_ar}\n{status_en}", "الحالة"),
        ("Issued at", format_issued_at(licence.issued_at), "تاريخ الإصدار"),
    ]


def format_coordinates(lat: float, lng: float) -> str:
    """Latitude then longitude with 5 decimals, in Latin digits like every number on the page."""
    return f"{lat:.{COORDINATE_DECIMALS}f}, {lng:.{COORDINATE_DECIMALS}f}"


def format_issued_at(issued_at: datetime) -> str:
    """The issue time in UTC; a naive datetime is taken to be UTC already."""
    if issued_at.tzinfo is not None:
        issued_at = issued_at.astimezone(timezone.utc)
    return issued_at.strftime("%Y-%m-%d %H:%M UTC")


def _new_document(licence: PaperLicence) -> "FPDF":
    from fpdf import FPDF

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    # Rows are placed by hand (chalicelib/adapters/bidi_pdf.py): a row that would enter the
    # footer's band continues on a next page (_write_fields), never a line cut mid-row.
    pdf.set_auto_page_break(auto=False)
    pdf.set_title(f"Electronic Licence {licence.number}")
    pdf.set_lang("ar")
    pdf.set_creation_date(licence.issued_at if licence.issued_at.tzinfo else
                          licence.issued_at.replace(tzinfo=timezone.utc))
    _register_fonts(pdf)
    # HarfBuzz joins the Arabic letters; fpdf2's own bidi pass orders each paragraph,
    # taking its direction from the first strong character (Arabic first = right to left).
    pdf.set_text_shaping(use_shaping_engine=True)
    pdf.add_page()
    return pdf


def _register_fonts(pdf: "FPDF") -> None:
    for family in (LATIN_FAMILY, ARABIC_FAMILY):
        pdf.add_font(family, "", str(FONTS_DIR / f"{family}-Regular.ttf"))
        pdf.add_font(family, "B", str(FONTS_DIR / f"{family}-Bold.ttf"))
    # Latin and digits come from Noto Sans; every Arabic letter falls back to Noto Naskh Arabic,
    # so a mixed line needs no manual font switching and digits look the same everywhere.
    pdf.set_fallback_fonts([ARABIC_FAMILY])


def _write_header(writer: "BidiWriter") -> float:
    pdf, y = writer.pdf, float(MARGIN_MM)
    writer.line(TITLE[0], MARGIN_MM, y, CONTENT_WIDTH_MM, 11, 20, "R", bold=True)
    writer.line(TITLE[1], MARGIN_MM, y + 2, CONTENT_WIDTH_MM, 9, 15, "L", bold=True, lead=True)
    y += 12
    for arabic, english, size in ((*GOVERNORATE, 12.0), (*PAPER_COPY_NOTE, 9.0)):
        writer.line(arabic, MARGIN_MM, y, CONTENT_WIDTH_MM, size * 0.6, size, "R")
        writer.line(english, MARGIN_MM, y, CONTENT_WIDTH_MM, size * 0.6, size, "L", lead=True)
        y += size * 0.6
    pdf.set_draw_color(40, 90, 60)
    pdf.set_line_width(0.6)
    pdf.line(MARGIN_MM, y + 2, PAGE_WIDTH_MM - MARGIN_MM, y + 2)
    return y + 5


def _write_fields(writer: "BidiWriter", licence: PaperLicence, y: float) -> float:
    """The table, Arabic label on the right (written first), value, English label; a row that
    would run into the footer's band continues on a next page."""
    from chalicelib.adapters.bidi_pdf import Column, table_row

    value_column_mm = CONTENT_WIDTH_MM - 2 * LABEL_COLUMN_MM
    english = Column(0, LABEL_COLUMN_MM, "L")
    value = Column(LABEL_COLUMN_MM, value_column_mm, "C")
    arabic = Column(LABEL_COLUMN_MM + value_column_mm, LABEL_COLUMN_MM, "R")
    writer.pdf.set_draw_color(160, 160, 160)
    writer.pdf.set_line_width(0.2)
    for label_en, shown, label_ar in field_rows(licence):
        cells = [(label_ar, arabic), (shown, value), (label_en, english)]
        if y + table_row(writer, cells, MARGIN_MM, y, 10.5, 6, 1.5, draw=False) > FOOTER_TOP_MM:
            writer.pdf.add_page()
            y = MARGIN_MM
        y += table_row(writer, cells, MARGIN_MM, y, 10.5, 6, 1.5)
    return y


def _write_qr(writer: "BidiWriter", qr_png: bytes, verify_url: str, y: float) -> None:
    pdf = writer.pdf
    y += 6
    side_mm = _qr_side_that_fits(y)
    if side_mm is None:
        # Unusually long values filled the page: the code goes on a page of its own rather
        # than below the scannable minimum or over the footer.
        pdf.add_page()
        side_mm, y = QR_SIDE_MM, MARGIN_MM
    x = (PAGE_WIDTH_MM - side_mm) / 2
    pdf.image(io.BytesIO(qr_png), x=x, y=y, w=side_mm, h=side_mm)
    y += side_mm + 1
    for caption in QR_CAPTION:
        writer.line(caption, MARGIN_MM, y, CONTENT_WIDTH_MM, 5, 10, "C", bold=True)
        y += 5
    # A signed token makes the URL long and spaceless: wrap() breaks it anywhere.
    writer.paragraph(verify_url, MARGIN_MM, y, CONTENT_WIDTH_MM, 7.5, 4, "C")


def _qr_side_that_fits(top_mm: float) -> Optional[float]:
    """The largest QR side, from QR_SIDE_MM down to QR_MIN_SIDE_MM, that fits above the footer."""
    available_mm = FOOTER_TOP_MM - top_mm - QR_CAPTIONS_MM
    if available_mm < QR_MIN_SIDE_MM:
        return None
    return min(QR_SIDE_MM, available_mm)


def _write_footer(writer: "BidiWriter") -> None:
    pdf = writer.pdf
    pdf.set_draw_color(40, 90, 60)
    pdf.set_line_width(0.4)
    pdf.line(MARGIN_MM, FOOTER_TOP_MM, PAGE_WIDTH_MM - MARGIN_MM, FOOTER_TOP_MM)
    y = writer.paragraph(FOOTER_AR, MARGIN_MM, FOOTER_TOP_MM + 2, CONTENT_WIDTH_MM, 10, 6, "R")
    writer.paragraph(FOOTER_EN, MARGIN_MM, y, CONTENT_WIDTH_MM, 10, 5, "L")


class FpdfPaperCopyRenderer(PaperCopyRenderer):
    """The paper copy port, drawn by fpdf2 (loaded on the first render only)."""

    def render(self, licence: PaperLicence, qr_png: bytes) -> bytes:
        return render_paper_copy(licence, qr_png)
