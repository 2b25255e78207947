"""Every PDF the counter prints (receipt A4 and thermal, drawer report, licence paper copy) is
Arabic first, shaped and right to left, and reads back in logical order. Three extractors are
measured (docs/counter.md, "Printed text" says what each gives and why): pypdf (content stream
order), poppler's pdftotext (Debian's) and PDFium, the engine of Chrome's and Edge's PDF viewers,
whose page text is what a citizen or a clerk copies, searches or has read aloud.

Each document is also rendered to PNG with pdftoppm into artifacts/pdfs/ for a human look.
"""
from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest

from chalicelib.adapters.bidi_pdf import runs, visual_order
from chalicelib.adapters.drawer_pdf import render_drawer_report
from chalicelib.adapters.paper_pdf import render_paper_copy
from chalicelib.adapters.receipt_pdf import render_receipt
from chalicelib.domain.printing import PrintableDrawer, PrintableReceipt
from tests.unit.test_paper_pdf import (ARTIFACTS, BIDI_CONTROLS, HOLDER_NAME, VERIFY_URL,
                                       arabic_glyph_forms, letters_with_several_forms, poppler,
                                       qr_png_for, sample_licence)

__all__ = ["poppler"]  # the session fixture that installs poppler-utils, used by name below

ADDRESS = "12 شارع فؤاد، محطة الرمل، الإسكندرية"
APPLICANT = "محمد عبد الرحمن الشاذلي"
CLERK = "سعاد حسن"
RECEIPT = PrintableReceipt(
    number="RCT-EAST-2026-000042", application_id="APP-01JABC",
    service_ar="ترخيص لافتة إعلانية", service_en="Advertisement licence",
    district_ar="حي شرق", district_en="East", citizen_name=APPLICANT,
    lines=(("رسوم الفحص", "Inspection fee", 15000), ("رسوم الإصدار", "Issue fee", 120050)),
    total_piasters=135050, method="cash", clerk_name=CLERK, paid_at="2026-12-01T08:15:00Z",
    payment_id="PAY-CTR-1")
DRAWER = PrintableDrawer(
    day="2026-12-01", district_ar="حي شرق", district_en="East", clerk_name=CLERK,
    payments=(("RCT-EAST-2026-000042", "APP-01JABC", "cash", "paid", 135050),
              ("RCT-EAST-2026-000043", "APP-02XYZ", "card", "paid", 20000)),
    expected_cash_piasters=135050, counted_cash_piasters=134950, difference_piasters=-100,
    closed_at="2026-12-01T15:30:00Z", flagged=True)

# What each document must read as, in this order (Arabic label, value, English label per row).
RECEIPT_READS = [
    "إيصال سداد رسوم", "Fee payment receipt",
    "رقم الإيصال", "RCT-EAST-2026-000042", "Receipt no.",
    "التاريخ", "2026-12-01 10:15 Cairo", "Date",
    "المركز التكنولوجي بحي شرق", "East technology centre",
    "الخدمة", "ترخيص لافتة إعلانية", "Advertisement licence", "Service",
    "مقدم الطلب", APPLICANT, "Applicant",
    "طريقة الدفع", "نقدي", "Cash", "Paid by",
    "الموظف", CLERK, "Clerk",
    "رسوم الفحص", "150.00 EGP", "Inspection fee",
    "رسوم الإصدار", "1,200.50 EGP", "Issue fee",
    "الإجمالي", "1,350.50 EGP", "Total",
    "احتفظ بهذا الإيصال. تابع طلبك على البوابة بتسجيل الدخول برقم محمولك.",
    "Keep this receipt. Follow your application on the portal by signing in with your mobile.",
]
DRAWER_READS = [
    "تقرير درج النقدية", "Cash drawer report",
    "اليوم", "2026-12-01", "Day",
    "الموظف", CLERK, "Clerk",
    "حالة الدرج", "مغلق", "Closed 17:30 Cairo", "Drawer",
    "النقدية المتوقعة", "1,350.50 EGP", "Cash expected",
    "النقدية المعدودة", "1,349.50 EGP", "Cash counted",
    "الفرق", "-1.00 EGP", "Difference",
    "الفرق بين المعدود والمتوقع يظهر في تقرير المالية للمراجعة.",
    "مدفوعات الشباك: 2", "Counter payments: 2",
    "رقم الإيصال", "Receipt no.", "المبلغ", "Amount",
    "RCT-EAST-2026-000042", "APP-01JABC", "نقدي", "Cash", "مدفوع", "Paid", "1,350.50 EGP",
    "RCT-EAST-2026-000043", "APP-02XYZ", "بطاقة عبر نقطة البيع", "Card, POS", "200.00 EGP",
]
PAPER_READS = [
    "رخصة إلكترونية", "Electronic Licence", "محافظة الإسكندرية", "Alexandria Governorate",
    "نسخة ورقية صدرت بناء على طلب صاحب الرخصة", "Paper copy issued at the holder's request",
    "رقم الرخصة", "ALX-SHOP-2025-000123", "Licence number",
    "نوع الرخصة", "ترخيص محل تجاري", "Shop licence", "Licence type",
    "صاحب الرخصة", APPLICANT, "Licence holder",
    "عنوان الموقع", ADDRESS, "Site address",
    "إحداثيات الموقع", "خط العرض، خط الطول", "31.20012, 29.91877", "Site coordinates",
    "سارية من", "2025-01-01", "Valid from",
    "تاريخ الإصدار", "2025-01-15 10:30 UTC", "Issued at",
    "امسح الرمز للتحقق من الرخصة", "Scan the code to verify this licence",
    "رمز الاستجابة السريعة QR على هذه الرخصة يحل محل الطوابع والأختام.",
    "يمكن التحقق من صحة الرخصة وحالتها الحالية بمسح الرمز.",
    "The QR code on this licence replaces stamps and seals.",
]


def documents() -> dict[str, bytes]:
    licence = sample_licence(holder_name=APPLICANT, site_address=ADDRESS)
    return {"receipt-a4": render_receipt(RECEIPT, "a4"),
            "receipt-thermal": render_receipt(RECEIPT, "thermal"),
            "drawer-report": render_drawer_report(DRAWER),
            "paper-copy": render_paper_copy(licence, qr_png_for(VERIFY_URL))}


READS = {"receipt-a4": RECEIPT_READS, "receipt-thermal": RECEIPT_READS,
         "drawer-report": DRAWER_READS, "paper-copy": PAPER_READS}
TITLES = {"receipt-a4": ("إيصال", "سداد", "Fee", "receipt"),
          "receipt-thermal": ("إيصال", "سداد", "Fee", "receipt"),
          "drawer-report": ("تقرير", "درج", "Cash", "report"),
          "paper-copy": ("رخصة", "إلكترونية", "Electronic", "Licence")}


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("counter-pdfs")
    paths = {}
    for name, data in documents().items():
        paths[name] = folder / f"{name}.pdf"
        paths[name].write_bytes(data)
    return paths


def flat(text: str) -> str:
    """Whitespace (line breaks of wrapped text included) as single spaces."""
    return re.sub(r"\s+", " ", text).strip()


def pypdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return flat(" ".join(page.extract_text() for page in PdfReader(path).pages))


def poppler_text(path: Path, *options: str) -> str:
    out = subprocess.run(["pdftotext", *options, str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    return out.translate(BIDI_CONTROLS)


def assert_in_order(text: str, phrases: list[str]) -> None:
    at = 0
    for phrase in phrases:
        found = text.find(phrase, at)
        assert found >= 0, f"{phrase!r} not found after position {at} in {text[at:at + 200]!r}"
        at = found + len(phrase)


# ------------------------------------------------------------------------------ the runs

def test_a_line_is_cut_into_its_directional_runs_in_logical_order():
    """GIVEN an Arabic address that starts with a house number
    THEN the number is a left-to-right run read first and drawn on the right."""
    line = runs(ADDRESS)
    assert [(run.text, run.rtl) for run in line] == [
        ("12", False), (" شارع فؤاد، محطة الرمل، الإسكندرية", True)]
    assert visual_order(line) == [1, 0]


def test_runs_nest_as_the_bidi_algorithm_orders_them():
    """GIVEN English around Arabic around a number WHEN ordered for display
    THEN the Arabic and its number swap places inside the English, which keeps its order."""
    line = runs("Paid at شارع 12 فؤاد today")
    assert [run.text for run in line] == ["Paid at ", "شارع", " ", "12", " فؤاد", " ",
                                          "today"]
    assert [line[i].text for i in visual_order(line)] == [
        "Paid at ", " فؤاد", "12", " ", "شارع", " ", "today"]


def test_punctuation_at_a_runs_edge_stands_alone():
    """GIVEN a sentence's final full stop and a colon before a number
    THEN each is a run of its own (one character each), in Noto Sans."""
    assert [(r.text, r.rtl) for r in runs("احتفظ بهذا الإيصال.")] == [
        ("احتفظ بهذا الإيصال", True), (".", False)]
    assert [(r.text, r.rtl) for r in runs("مدفوعات الشباك: 2")] == [
        ("مدفوعات الشباك", True), (":", False), (" ", False), ("2", False)]


# ---------------------------------------------------------------------- the documents

@pytest.mark.parametrize("name", list(READS))
def test_pypdf_reads_every_document_in_logical_order(pdfs, name):
    """GIVEN a counter PDF WHEN pypdf extracts it (it reads the content stream in order)
    THEN every phrase comes back exactly as written, Arabic label, value, English label,
    in reading order: names, the address with its number first, amounts, numbers."""
    assert_in_order(pypdf_text(pdfs[name]), READS[name])


def test_the_pypdf_check_fails_on_text_drawn_the_stock_way(tmp_path):
    """GIVEN the address drawn by fpdf2 alone (shaping on, one cell), as the PDFs were before
    WHEN pypdf reads it THEN the Arabic words come back in reverse order: the check can fail."""
    from fpdf import FPDF

    from chalicelib.adapters.paper_pdf import LATIN_FAMILY, _register_fonts

    pdf = FPDF()
    _register_fonts(pdf)
    pdf.set_text_shaping(True)
    pdf.add_page()
    pdf.set_font(LATIN_FAMILY, size=12)
    pdf.cell(w=150, text=ADDRESS, align="R")
    path = tmp_path / "stock.pdf"
    path.write_bytes(bytes(pdf.output()))
    stock = pypdf_text(path)
    assert ADDRESS not in stock and "الإسكندرية الرمل، محطة فؤاد، شارع" in stock


def backwards(*phrases: str) -> dict[str, str]:
    """Each phrase with its words in reverse order, as PDFium reads a phrase outnumbered on
    its visual line by words of the other direction."""
    return {phrase: " ".join(reversed(phrase.split())) for phrase in phrases}


# The phrases PDFium misreads, as it reads them: each shares its visual line (a table row, or a
# header line with the Arabic on the right and the English on the left) with more words of the
# other direction, or as many (docs/counter.md, "Printed text"). Nothing the PDF can honestly
# say changes that: the list only shrinks with a layout that gives them lines of their own.
RECEIPT_PDFIUM_MISREADS = backwards("رقم الإيصال", "رسوم الفحص", "رسوم الإصدار")
PDFIUM_MISREADS = {
    "receipt-a4": RECEIPT_PDFIUM_MISREADS,
    "receipt-thermal": RECEIPT_PDFIUM_MISREADS,
    "drawer-report": {**backwards("النقدية المتوقعة", "النقدية المعدودة", "بطاقة عبر نقطة البيع"),
                      "مدفوعات الشباك: 2": "2 :الشباك مدفوعات"},
    "paper-copy": backwards("رخصة إلكترونية", "محافظة الإسكندرية",
                            "نسخة ورقية صدرت بناء على طلب صاحب الرخصة", "رقم الرخصة",
                            "Licence holder", "Site address", "سارية من", "تاريخ الإصدار"),
}


def pdfium_lines(path: Path) -> list[str]:
    """The page text PDFium gives (FPDFText_GetText: what Chrome's and Edge's viewers copy,
    search and read aloud), one entry per line it found."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path)
    return [line for page in document for line in page.get_textpage().get_text_range().splitlines()]


def assert_lines_in_order(lines: list[str], phrases: list[str]) -> None:
    """Each phrase found exactly, on the line of the one before it or on a later line (a phrase
    may run over a line break): lines top to bottom, any order inside a line."""
    starts, text = [], ""
    for line in lines:
        starts.append(len(text))
        text += flat(line) + " "
    line_start = 0
    for phrase in phrases:
        found = text.find(phrase, line_start)
        assert found >= 0, f"{phrase!r} not found from {text[line_start:line_start + 200]!r}"
        line_start = max(start for start in starts if start <= found)


@pytest.mark.parametrize("name", list(READS))
def test_pdfium_reads_the_phrases_as_written_line_by_line(pdfs, name):
    """GIVEN a counter PDF WHEN PDFium extracts its page text
    THEN every phrase comes back exactly as written, the lines top to bottom in reading order,
    the address with its number first and its commas in place; except the phrases that share
    their visual line with more words of the other direction, which PDFium reads backwards."""
    lines = pdfium_lines(pdfs[name])
    misreads = PDFIUM_MISREADS[name]
    assert_lines_in_order(lines, [p for p in READS[name] if p not in misreads])
    text = flat(" ".join(lines))
    for phrase, as_read in misreads.items():
        assert phrase not in text and as_read in text, (phrase, as_read)


def one_line_pdfs(tmp_path: Path, lines: list[list[tuple[str, str]]],
                  document: type | None = None) -> list[Path]:
    """One A4 page per line, each line a list of (text, "R" or "L") drawn by BidiWriter across
    the page (Arabic on the right, English on the left), as the documents draw their rows."""
    from fpdf import FPDF

    from chalicelib.adapters.bidi_pdf import BidiWriter
    from chalicelib.adapters.paper_pdf import _register_fonts

    paths = []
    for number, cells in enumerate(lines):
        pdf = (document or FPDF)()
        _register_fonts(pdf)
        pdf.set_text_shaping(True)
        pdf.add_page()
        writer = BidiWriter(pdf)
        for text, align in cells:
            writer.line(text, 15, 20, 180, 8, 12, align)
        paths.append(tmp_path / f"line-{number}.pdf")
        paths[-1].write_bytes(bytes(pdf.output()))
    return paths


def test_pdfium_reads_a_mixed_line_in_the_direction_of_most_of_its_words(tmp_path):
    """GIVEN one visual line, Arabic on the right and English on the left
    WHEN PDFium extracts it THEN it reads right to left when Arabic words outnumber English ones
    (English words come out backwards), else left to right (Arabic words come out backwards)."""
    arabic_more, as_many = one_line_pdfs(tmp_path, [
        [("محمد عبد الرحمن", "R"), ("Licence holder", "L")],
        [("رخصة إلكترونية", "R"), ("Electronic Licence", "L")]])
    assert pdfium_lines(arabic_more) == ["محمد عبد الرحمن holder Licence"]
    assert pdfium_lines(as_many) == ["Electronic Licence إلكترونية رخصة"]


def test_the_address_as_each_extractor_reads_it(pdfs, poppler, tmp_path):
    """GIVEN the paper copy (more Latin than Arabic letters on the page, as on every counter
    PDF) and the address alone on a page (Arabic the majority)
    WHEN each extractor reads them THEN pypdf and PDFium give the address as written;
    pdftotext gives its comma-separated parts left to right on the first page, the comma after
    its space and the number against the street on the second (docs/counter.md)."""
    paper = pdfs["paper-copy"]
    alone = one_line_pdfs(tmp_path, [[(ADDRESS, "R")]])[0]
    for page in (paper, alone):
        assert ADDRESS in pypdf_text(page)
        assert ADDRESS in flat(" ".join(pdfium_lines(page)))
    for options in ((), ("-layout",)):
        assert "الإسكندرية، محطة الرمل، شارع فؤاد12" in flat(poppler_text(paper, *options))
        assert flat(poppler_text(alone, *options)) == "12شارع فؤاد ،محطة الرمل ،الإسكندرية"
    assert flat(poppler_text(alone, "-raw")) == "12 إسكندريةلا ،الرمل محطة ،فؤاد شارع"


def test_actual_text_in_logical_order_reads_backwards_in_pdftotext_and_pdfium(tmp_path,
                                                                                poppler):
    """GIVEN the address with every run marked with an /ActualText of its own logical text
    WHEN extracted THEN pdftotext and PDFium give its Arabic letters backwards (both lay the
    replacement text out left to right, then reverse it as right-to-left text) while pypdf
    ignores the mark: why the documents carry no /ActualText."""
    from fpdf import FPDF

    class ActualTextFPDF(FPDF):
        def cell(self, *args: object, text: str = "", **kwargs: object) -> object:
            if not text.strip():
                return super().cell(*args, text=text, **kwargs)
            marked = "FEFF" + text.encode("utf-16-be").hex().upper()
            self._out(f"/Span <</ActualText <{marked}>>> BDC")  # fpdf2 has no public call
            try:
                return super().cell(*args, text=text, **kwargs)
            finally:
                self._out("EMC")

    marked = one_line_pdfs(tmp_path, [[(ADDRESS, "R")]], ActualTextFPDF)[0]
    assert pypdf_text(marked) == ADDRESS
    assert flat(poppler_text(marked)) == "12ةيردنكسإلا ،لمرلا ةطحم ،داؤف عراش"
    assert pdfium_lines(marked) == ["12 عراش داؤف، ةطحم لمرلا، ةيردنكسإلا"]


@pytest.mark.parametrize("name", list(READS))
def test_pdftotext_reads_the_phrases_as_written(pdfs, name, poppler):
    """GIVEN a counter PDF WHEN poppler's pdftotext extracts it (by position, then its own
    right-to-left pass) THEN every phrase free of Arabic commas, full stops and digits next to
    Arabic comes back exactly as written, rows top to bottom in reading order.

    Poppler 22.12 (Debian 12) counts the Arabic comma and the full stop as number separators
    and places them, and a space between a number and Arabic, by the page's majority direction:
    no marking inside the PDF changes that (it reverses an /ActualText span in Arabic as it
    reverses visible glyphs). Such phrases are checked between their commas: each stretch exact.
    """
    text = flat(poppler_text(pdfs[name]))
    layout = poppler_text(pdfs[name], "-layout")
    poppler_safe = [p for p in READS[name] if poppler_keeps(p)]
    for phrase in poppler_safe:
        assert phrase in text, phrase
    rows = [p for p in poppler_safe if p in {APPLICANT, CLERK, "1,350.50 EGP"}]  # rows apart
    assert_in_order(flat(layout), rows)
    if name == "paper-copy":
        for stretch in ("شارع فؤاد", "محطة الرمل", "الإسكندرية", "12"):
            assert stretch in text, stretch


def poppler_keeps(phrase: str) -> bool:
    """Latin text, or Arabic without commas, full stops, colons or digits."""
    return not re.search(r"[\u0600-\u06ff]", phrase) or not re.search(r"[،.:\d]", phrase)


@pytest.mark.parametrize("name", list(READS))
def test_arabic_is_shaped_right_to_left_on_the_right_and_not_smaller(pdfs, name, poppler):
    """GIVEN a counter PDF THEN Arabic letters are drawn in their joined forms; the Arabic title
    sits at the right margin, its first word right of its second, the English one at the left;
    and the Arabic title is at least as tall as the English one."""
    data = pdfs[name].read_bytes()
    forms = arabic_glyph_forms(data, "NotoNaskhArabic-Bold") | arabic_glyph_forms(
        data, "NotoNaskhArabic")
    assert {"ر", "ل", "ا", "م"} <= letters_with_several_forms(forms)
    first_ar, second_ar, first_en, last_en = TITLES[name]
    boxes = word_boxes_with_size(pdfs[name])
    top = min(y for _, _, y, _, _ in boxes)
    title = {text: (x_min, x_max, height) for text, x_min, y, x_max, height in boxes
             if y < top + 40}
    page_width = page_width_points(pdfs[name])
    ar1, ar2 = title[first_ar[::-1]], title[second_ar[::-1]]  # poppler: visual order
    assert ar1[0] > ar2[0] and ar1[1] > page_width * 0.8
    assert title[first_en][0] < page_width * 0.2
    assert ar1[2] >= title[first_en][2]


def word_boxes_with_size(pdf: Path) -> list[tuple[str, float, float, float, float]]:
    """(visual text, x_min, y_min, x_max, height) of every word, in points."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    pattern = (r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
               r"([^<]*)</word>")
    return [(text, float(x0), float(y0), float(x1), float(y1) - float(y0))
            for x0, y0, x1, y1, text in re.findall(pattern, out)]


def page_width_points(pdf: Path) -> float:
    from pypdf import PdfReader

    return float(PdfReader(pdf).pages[0].mediabox.width)


@pytest.mark.parametrize("name", list(READS))
def test_each_document_renders_to_a_png_for_a_human_look(pdfs, name, poppler):
    """GIVEN a counter PDF WHEN rasterised by pdftoppm THEN the page has ink on its right-hand
    top (the Arabic title) and the PNG is kept in artifacts/pdfs/ to be looked at."""
    from PIL import Image

    folder = ARTIFACTS / "pdfs"
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile",
                    str(pdfs[name]), str(folder / name)], check=True)
    page = Image.open(folder / f"{name}.png").convert("L")
    width, height = page.size
    title_band = page.crop((width // 2, 0, width, height // 8))
    assert title_band.getextrema()[0] < 100  # dark pixels: the Arabic title is drawn there


def test_receipt_pdf_is_one_page_in_both_papers():
    from pypdf import PdfReader

    for paper, width_mm in (("a4", 210), ("thermal", 80)):
        reader = PdfReader(io.BytesIO(render_receipt(RECEIPT, paper)))
        assert len(reader.pages) == 1
        assert round(float(reader.pages[0].mediabox.width) * 25.4 / 72) == width_mm
