"""A clerk's drawer report for one Cairo day as an A4 PDF: Arabic first (title and labels on the
right, Arabic at least as large as English), every counter payment the clerk took, then the cash
expected, counted and the difference. Drawn like the receipt (chalicelib/adapters/bidi_pdf.py),
so its text reads back in logical order; fpdf2 loads lazily."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from chalicelib.adapters.paper_pdf import _register_fonts
from chalicelib.adapters.receipt_pdf import METHODS, pounds
from chalicelib.domain.printing import PrintableDrawer
from chalicelib.ports import DrawerReportRenderer

if TYPE_CHECKING:  # pragma: no cover
    from chalicelib.adapters.bidi_pdf import BidiWriter

CAIRO = ZoneInfo("Africa/Cairo")
TITLE_AR, TITLE_EN = "تقرير درج النقدية", "Cash drawer report"
STATUSES = {"paid": ("مدفوع", "Paid"), "flagged": ("قيد المراجعة", "Flagged"),
            "refunded": ("مسترد", "Refunded")}
PAGE_WIDTH, MARGIN, SIZE = 210.0, 15.0, 10.5
BOTTOM = 297.0 - MARGIN


def summary_rows(report: PrintableDrawer) -> list[tuple[str, str, str]]:
    """(Arabic label, value, English label) in reading order."""
    if report.closed_at:
        closed = datetime.fromisoformat(report.closed_at.replace("Z", "+00:00")).astimezone(CAIRO)
        state = f"مغلق\nClosed {closed.strftime('%H:%M')} Cairo"
    else:
        state = "مفتوح\nOpen"
    counted = "-" if report.counted_cash_piasters is None else pounds(report.counted_cash_piasters)
    difference = "-" if report.difference_piasters is None else signed(report.difference_piasters)
    return [
        ("اليوم", report.day, "Day"),
        ("المركز", f"المركز التكنولوجي ب{report.district_ar}\n"
                   f"{report.district_en} technology centre", "Centre"),
        ("الموظف", report.clerk_name or "-", "Clerk"),
        ("حالة الدرج", state, "Drawer"),
        ("النقدية المتوقعة", pounds(report.expected_cash_piasters), "Cash expected"),
        ("النقدية المعدودة", counted, "Cash counted"),
        ("الفرق", difference, "Difference"),
    ]


def signed(piasters: int) -> str:
    return ("-" if piasters < 0 else "+" if piasters > 0 else "") + pounds(abs(piasters))


# The payments table, right to left as it is read: (Arabic heading, English heading, width mm)
# An application id is 32 characters: its column holds one on a line at the table's size.
PAYMENT_COLUMNS = (("رقم الإيصال", "Receipt no.", 40.0), ("رقم الطلب", "Application", 60.0),
                   ("طريقة الدفع", "Method", 30.0), ("الحالة", "Status", 24.0),
                   ("المبلغ", "Amount", 26.0))
TABLE_SIZE = 8.5


def payment_rows(report: PrintableDrawer) -> list[tuple[str, ...]]:
    """The payments table's cells in reading order: a bilingual heading row, then one row per
    payment in the order taken."""
    rows: list[tuple[str, ...]] = [tuple(f"{ar}\n{en}" for ar, en, _ in PAYMENT_COLUMNS)]
    for number, application_id, method, status, amount in report.payments:
        method_ar, method_en = METHODS.get(method, (method, method))
        status_ar, status_en = STATUSES.get(status, (status, status))
        rows.append((number, application_id, f"{method_ar}\n{method_en}",
                     f"{status_ar}\n{status_en}", pounds(amount)))
    return rows


def _payments_table(writer: "BidiWriter", report: PrintableDrawer, y: float) -> float:
    from chalicelib.adapters.bidi_pdf import Column, table_row

    right, columns = PAGE_WIDTH - 2 * MARGIN, []
    for _, _, width in PAYMENT_COLUMNS:
        right -= width
        columns.append(Column(right, width, "C"))
    for n, row in enumerate(payment_rows(report)):
        cells = list(zip(row, columns))
        height = table_row(writer, cells, MARGIN, y, TABLE_SIZE, TABLE_SIZE * 0.5, 1.0,
                           draw=False)
        if y + height > BOTTOM:
            writer.pdf.add_page()
            y = MARGIN
        y += table_row(writer, cells, MARGIN, y, TABLE_SIZE, TABLE_SIZE * 0.5, 1.0, bold=n == 0)
    return y


def render_drawer_report(report: PrintableDrawer) -> bytes:
    from fpdf import FPDF

    from chalicelib.adapters.bidi_pdf import BidiWriter, bilingual_header, bilingual_table

    content = PAGE_WIDTH - 2 * MARGIN
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(auto=False)
    pdf.set_title(f"Drawer {report.day} {report.clerk_name}")
    pdf.set_lang("ar")
    _register_fonts(pdf)
    pdf.set_text_shaping(use_shaping_engine=True)
    pdf.add_page()
    writer = BidiWriter(pdf)
    y = bilingual_header(writer, TITLE_AR, TITLE_EN, MARGIN, MARGIN, content, SIZE + 2)
    y = bilingual_table(writer, summary_rows(report), MARGIN, y, content, SIZE, bottom=BOTTOM)
    if report.flagged:
        y = writer.paragraph("الفرق بين المعدود والمتوقع يظهر في تقرير المالية للمراجعة.",
                             MARGIN, y + 2, content, SIZE, SIZE * 0.55, "R", bold=True)
        y = writer.paragraph("The difference is flagged on the finance report for review.",
                             MARGIN, y, content, SIZE, SIZE * 0.55, "L", bold=True)
    y += 4
    writer.line(f"مدفوعات الشباك: {len(report.payments)}", MARGIN, y, content, SIZE * 0.6,
                SIZE + 1, "R", bold=True)
    writer.line(f"Counter payments: {len(report.payments)}", MARGIN, y, content, SIZE * 0.6,
                SIZE + 1, "L", bold=True, lead=True)
    y += SIZE * 0.6 + 2
    if report.payments:
        _payments_table(writer, report, y)
    else:
        writer.line("لا توجد مدفوعات", MARGIN, y, content, SIZE * 0.6, SIZE, "R")
        writer.line("No payments", MARGIN, y, content, SIZE * 0.6, SIZE, "L", lead=True)
    return bytes(pdf.output())


class FpdfDrawerReportRenderer(DrawerReportRenderer):
    def render(self, report: PrintableDrawer) -> bytes:
        return render_drawer_report(report)
