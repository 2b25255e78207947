"""The paper copy PDF: valid A4, fonts embedded, Arabic shaped and right to left, QR scannable.

Poppler's tools (pdftotext, pdftoppm) read the PDF the way a viewer does; the session fixture
installs poppler-utils through devstack/ensure_debian_packages.sh when it is missing.
"""
from __future__ import annotations

import io
import re
import subprocess
from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from chalicelib.adapters.paper_pdf import render_paper_copy
from chalicelib.domain.printing import PaperLicence

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
ENSURE_DEBIAN_PACKAGES = ROOT / "devstack" / "ensure_debian_packages.sh"

VERIFY_URL = ("https://rukhsa.example.eg/v/eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIn0."
              "eyJuIjoiQUxYLVNIT1AtMjAyNS0wMDAxMjMiLCJsYXQiOjMxLjIwMDEyfQ.c2lnbmF0dXJl")
HOLDER_NAME = "محمد عبد الرحمن الشاذلي"
MM_PER_POINT = 25.4 / 72
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u200e\u200f"))


def sample_licence(**changes: object) -> PaperLicence:
    licence = PaperLicence(
        number="ALX-SHOP-2025-000123",
        kind_ar="ترخيص محل تجاري",
        kind_en="Shop licence",
        district_ar="حي وسط",
        district_en="Central (Wasat)",
        holder_name=HOLDER_NAME,
        holder_national_id_masked="2**********123",
        site_address="12 شارع فؤاد، محطة الرمل، الإسكندرية",
        lat=31.2001234,
        lng=29.9187654,
        valid_from=date(2025, 1, 1),
        valid_until=date(2025, 12, 31),
        status="active",
        issued_at=datetime(2025, 1, 15, 10, 30, tzinfo=timezone.utc),
        verify_url=VERIFY_URL,
    )
    return replace(licence, **changes)


def qr_png_for(url: str) -> bytes:
    import qrcode

    image = qrcode.make(url, error_correction=qrcode.constants.ERROR_CORRECT_M,
                        box_size=10, border=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="session")
def poppler() -> None:
    result = subprocess.run(["bash", str(ENSURE_DEBIAN_PACKAGES), "poppler-utils"],
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail(f"could not install poppler-utils: {result.stderr.strip()}")


@pytest.fixture(scope="module")
def pdf_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("paper") / "paper-copy.pdf"
    path.write_bytes(render_paper_copy(sample_licence(), qr_png_for(VERIFY_URL)))
    return path


def pdf_text(pdf: Path) -> str:
    """What a reader copies out of the PDF, with the bidi marks poppler adds taken out."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    return out.translate(BIDI_CONTROLS)


def word_boxes(pdf: Path) -> list[tuple[str, float, float]]:
    """Every word as poppler sees it on the page: (visual text, x_min, y_min), in points."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>'
    return [(text, float(x), float(y)) for x, y, text in re.findall(pattern, out)]


def render_png(pdf: Path, dpi: int, prefix: Path) -> Path:
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1",
                    "-singlefile", str(pdf), str(prefix)], check=True)
    return prefix.with_suffix(".png")


def arabic_glyph_forms(pdf_bytes: bytes, font_name: str) -> dict[str, set[int]]:
    """For each Arabic letter, the distinct glyphs that draw it in the one named embedded font.

    Read from the font's ToUnicode map. Unshaped Arabic draws every letter with its one
    nominal (isolated) glyph; shaped Arabic uses initial/medial/final forms too.
    """
    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(pdf_bytes)).pages[0]
    forms: dict[str, set[int]] = defaultdict(set)
    for font_ref in page["/Resources"]["/Font"].values():
        font = font_ref.get_object()
        # exact name (subset tag aside): glyph ids of the regular and bold fonts must not mix
        if str(font["/BaseFont"]).split("+")[-1] != font_name:
            continue
        cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
        for cid, code in re.findall(r"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]{4})>", cmap):
            char = chr(int(code, 16))
            if "\u0621" <= char <= "\u064a":
                forms[char].add(int(cid, 16))
    return forms


def letters_with_several_forms(forms: dict[str, set[int]]) -> set[str]:
    return {letter for letter, glyphs in forms.items() if len(glyphs) > 1}


def test_renders_one_a4_page_pdf_with_the_fonts_embedded(pdf_path: Path) -> None:
    """GIVEN a licence WHEN its paper copy is rendered
    THEN it is a one-page A4 PDF and every font it uses is embedded (prints the same anywhere)."""
    from pypdf import PdfReader

    data = pdf_path.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert round(float(box.width) * MM_PER_POINT) == 210
    assert round(float(box.height) * MM_PER_POINT) == 297

    embedded: dict[str, bool] = {}
    for font_ref in reader.pages[0]["/Resources"]["/Font"].values():
        font = font_ref.get_object()
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        embedded[str(font["/BaseFont"])] = "/FontFile2" in descriptor
    assert any("NotoNaskhArabic" in name for name in embedded)
    assert any(name.endswith("+NotoSans") for name in embedded)
    assert all(embedded.values()), embedded


def test_arabic_letters_are_shaped_into_joining_forms(pdf_path: Path) -> None:
    """GIVEN the rendered copy WHEN the Arabic font's glyphs are read back
    THEN common letters are drawn with more than one contextual form (joined, not isolated)."""
    forms = arabic_glyph_forms(pdf_path.read_bytes(), "NotoNaskhArabic")
    assert {"ر", "ل", "ا", "ح", "م"} <= letters_with_several_forms(forms)


def test_the_shaping_check_catches_unshaped_arabic() -> None:
    """GIVEN Arabic written with fpdf2's shaping engine off
    WHEN the same check is applied THEN no letter has more than one form: the check can fail."""
    from fpdf import FPDF

    from chalicelib.adapters.paper_pdf import FONTS_DIR

    pdf = FPDF()
    pdf.add_font("NotoNaskhArabic", "", str(FONTS_DIR / "NotoNaskhArabic-Regular.ttf"))
    pdf.add_page()
    pdf.set_font("NotoNaskhArabic", size=14)
    pdf.cell(text=f"رخصة إلكترونية {HOLDER_NAME} محافظة الإسكندرية")
    forms = arabic_glyph_forms(bytes(pdf.output()), "NotoNaskhArabic")

    assert forms, "the control document has Arabic glyphs"
    assert letters_with_several_forms(forms) == set()


def test_text_reads_back_in_arabic_and_english(pdf_path: Path, poppler: None) -> None:
    """GIVEN the rendered copy WHEN a reader extracts its text
    THEN the Arabic comes back as real words in logical order, beside the English."""
    text = pdf_text(pdf_path)
    for expected in (
        "رخصة إلكترونية", "Electronic Licence",
        "محافظة الإسكندرية", "Alexandria Governorate",
        HOLDER_NAME, "ترخيص محل تجاري", "Shop licence", "حي وسط", "Central (Wasat)",
        "رقم الرخصة", "Licence number", "ALX-SHOP-2025-000123", "2**********123",
        "31.20012, 29.91877", "2025-01-01", "2025-12-31", "سارية", "Active",
        "2025-01-15 10:30 UTC", "يحل محل الطوابع والأختام", "replaces stamps and seals",
        "بمسح الرمز", "verified by",
    ):
        assert expected in text, expected


def test_arabic_runs_right_to_left(pdf_path: Path, poppler: None) -> None:
    """GIVEN the title "رخصة إلكترونية — Electronic Licence"
    WHEN the words' positions on the page are read
    THEN the first Arabic word sits right of the second and the Arabic right of the English."""
    title = {text: x for text, x, y in word_boxes(pdf_path) if y < 60}
    # poppler reports an RTL word in visual order, i.e. its letters reversed
    first_arabic, second_arabic = "رخصة"[::-1], "إلكترونية"[::-1]
    assert title[first_arabic] > title[second_arabic] > title["Licence"] > title["Electronic"]


def test_qr_on_the_printed_page_scans_to_the_verify_url(pdf_path: Path, poppler: None,
                                                         tmp_path: Path) -> None:
    """GIVEN the copy rasterised like a 200 dpi scan of the printout
    WHEN a QR reader looks at the page THEN it finds one code, the verify URL, at least 4 cm wide.
    Also keeps an 80 dpi preview in artifacts/ for a human look."""
    import zxingcpp
    from PIL import Image

    ARTIFACTS.mkdir(exist_ok=True)
    render_png(pdf_path, 80, ARTIFACTS / "paper-copy-preview")
    dpi = 200
    page = Image.open(render_png(pdf_path, dpi, tmp_path / "page"))

    codes = zxingcpp.read_barcodes(page, formats=zxingcpp.BarcodeFormat.QRCode)

    assert [code.text for code in codes] == [VERIFY_URL]
    corners = codes[0].position
    symbol_px = max(corners.top_right.x, corners.bottom_right.x) - min(corners.top_left.x,
                                                                        corners.bottom_left.x)
    symbol_mm = symbol_px / dpi * 25.4
    drawn_mm = drawn_image_widths_mm(pdf_path.read_bytes())
    assert drawn_mm and min(drawn_mm) >= 40
    assert symbol_mm >= 35  # the modules alone, quiet zone excluded


def drawn_image_widths_mm(pdf_bytes: bytes) -> list[float]:
    """Widths of the images the page draws, from the `w 0 0 h x y cm /Ix Do` operators."""
    from pypdf import PdfReader

    content = PdfReader(io.BytesIO(pdf_bytes)).pages[0].get_contents().get_data().decode("latin-1")
    pattern = r"([\d.]+) 0 0 ([\d.]+) [\d.]+ [\d.]+ cm\s*/I\w+ Do"
    return [float(w) * MM_PER_POINT for w, _h in re.findall(pattern, content)]


def test_coordinates_print_with_five_decimals(tmp_path: Path, poppler: None) -> None:
    """GIVEN a site west of Greenwich and south of the equator (negative coordinates)
    WHEN rendered THEN both print with exactly five decimals, sign kept."""
    pdf = tmp_path / "coords.pdf"
    pdf.write_bytes(render_paper_copy(sample_licence(lat=-3.1, lng=-0.000004),
                                      qr_png_for(VERIFY_URL)))
    assert "-3.10000, -0.00000" in pdf_text(pdf)


def test_status_other_than_active_is_printed_in_both_languages(tmp_path: Path,
                                                               poppler: None) -> None:
    """GIVEN a suspended licence WHEN its copy is rendered THEN it says so in Arabic and English."""
    pdf = tmp_path / "suspended.pdf"
    pdf.write_bytes(render_paper_copy(sample_licence(status="suspended"), qr_png_for(VERIFY_URL)))
    text = pdf_text(pdf)
    assert "موقوفة" in text and "Suspended" in text


def test_issue_time_is_printed_in_utc(tmp_path: Path, poppler: None) -> None:
    """GIVEN an issue time given in Cairo time (UTC+2) WHEN rendered THEN it prints in UTC."""
    from datetime import timedelta

    cairo = timezone(timedelta(hours=2))
    pdf = tmp_path / "utc.pdf"
    pdf.write_bytes(render_paper_copy(
        sample_licence(issued_at=datetime(2025, 1, 15, 12, 30, tzinfo=cairo)),
        qr_png_for(VERIFY_URL)))
    assert "2025-01-15 10:30 UTC" in pdf_text(pdf)


def test_rejects_a_qr_that_is_not_png() -> None:
    """GIVEN QR bytes that are not a PNG WHEN rendering THEN it refuses rather than print junk."""
    with pytest.raises(ValueError, match="PNG"):
        render_paper_copy(sample_licence(), b"GIF89a not a png")


def test_very_long_values_never_push_the_qr_off_the_page(tmp_path: Path, poppler: None) -> None:
    """GIVEN an address far longer than any real one
    WHEN rendered THEN it is printed whole and the QR still scans and stays at least 4 cm wide."""
    import zxingcpp
    from pypdf import PdfReader
    from PIL import Image

    address = "شارع " + "، ".join(f"عمارة {n} الدور {n % 9}" for n in range(1, 80))
    pdf = tmp_path / "long.pdf"
    pdf.write_bytes(render_paper_copy(sample_licence(site_address=address),
                                      qr_png_for(VERIFY_URL)))

    pages = len(PdfReader(pdf).pages)
    scanned = []
    for number in range(1, pages + 1):
        subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", str(number), "-l", str(number),
                        "-singlefile", str(pdf), str(tmp_path / f"p{number}")], check=True)
        scanned += [c.text for c in zxingcpp.read_barcodes(
            Image.open(tmp_path / f"p{number}.png"), formats=zxingcpp.BarcodeFormat.QRCode)]
    assert scanned == [VERIFY_URL]
    # poppler moves the spaces around numbers inside RTL text, so compare without spaces
    assert "عمارة79الدور7" in re.sub(r"\s+", "", pdf_text(pdf))


def test_the_printable_set_of_the_input_checks_is_the_fonts_own():
    """GIVEN the fonts' cmap tables WHEN read with fontTools THEN they map exactly the code points
    chalicelib/data/fonts/printable.json lists (what names and addresses are checked against)."""
    from chalicelib.adapters.paper_pdf import font_code_points
    from chalicelib.domain.validation import printable_code_points

    assert printable_code_points() == font_code_points()
    assert {ord(c) for c in "محمد ﻻ é – 0123"} <= printable_code_points()
    assert not {0x1F600, 0x0238} & printable_code_points()
