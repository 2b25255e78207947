"""The counter receipt as a PDF: Arabic first (title and labels on the right, Arabic as large as
English), on A4 or on an 80 mm thermal roll. Drawn as the paper copy is (chalicelib/adapters/
paper_pdf.py): fpdf2 with HarfBuzz shaping and the packaged Noto fonts, loaded lazily."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from chalicelib.adapters.paper_pdf import _register_fonts
from chalicelib.domain.printing import PrintableReceipt
from chalicelib.ports import ReceiptRenderer

if TYPE_CHECKING:  # pragma: no cover
    from fpdf import FPDF

CAIRO = ZoneInfo("Africa/Cairo")
TITLE_AR, TITLE_EN = "إيصال سداد رسوم", "Fee payment receipt"
# Arabic on a line of its own above the English: no dash or parenthesis inside Arabic runs,
# no vowel marks (docs/counter.md, "Printed text").
METHODS = {"cash": ("نقدي", "Cash"), "card": ("بطاقة عبر نقطة البيع", "Card, POS")}
THANKS = ("احتفظ بهذا الإيصال. تابع طلبك على البوابة بتسجيل الدخول برقم محمولك.",
          "Keep this receipt. Follow your application on the portal by signing in with your mobile.")
# (page width, margin, font size)
PAPERS = {"a4": (210.0, 15.0, 12.0), "thermal": (80.0, 3.0, 8.0)}


def pounds(piasters: int) -> str:
    return f"{piasters // 100:,}.{piasters % 100:02d} EGP"


def paid_at_cairo(paid_at: str) -> str:
    moment = datetime.fromisoformat(paid_at.replace("Z", "+00:00")).astimezone(CAIRO)
    return moment.strftime("%Y-%m-%d %H:%M") + " Cairo"


def rows(receipt: PrintableReceipt) -> list[tuple[str, str, str]]:
    """(Arabic label, value, English label) in reading order."""
    method_ar, method_en = METHODS.get(receipt.method, (receipt.method, receipt.method))
    return [
        ("رقم الإيصال", receipt.number, "Receipt no."),
        ("التاريخ", paid_at_cairo(receipt.paid_at), "Date"),
        ("المركز", f"المركز التكنولوجي ب{receipt.district_ar}\n"
                   f"{receipt.district_en} technology centre", "Centre"),
        ("رقم الطلب", receipt.application_id, "Application"),
        ("الخدمة", f"{receipt.service_ar}\n{receipt.service_en}", "Service"),
        ("مقدم الطلب", receipt.citizen_name, "Applicant"),
        ("طريقة الدفع", f"{method_ar}\n{method_en}", "Paid by"),
        ("الموظف", receipt.clerk_name or "-", "Clerk"),
    ]


def render_receipt(receipt: PrintableReceipt, paper: str) -> bytes:
    """A4, or a thermal roll cut just below the text (drawn once on a long strip to measure)."""
    if paper == "a4":
        return bytes(_draw(receipt, paper, 297.0).output())
    width, margin, _ = PAPERS[paper]
    strip = 70.0 + 14.0 * (len(rows(receipt)) + len(receipt.lines)) + 60
    used = _draw(receipt, paper, strip).get_y()
    return bytes(_draw(receipt, paper, used + margin).output())


def _draw(receipt: PrintableReceipt, paper: str, height: float) -> "FPDF":
    from fpdf import FPDF

    from chalicelib.adapters.bidi_pdf import BidiWriter, bilingual_header, bilingual_table

    width, margin, size = PAPERS[paper]
    content = width - 2 * margin
    pdf = FPDF(orientation="portrait", unit="mm", format=(width, height))
    pdf.set_margins(margin, margin, margin)
    pdf.set_auto_page_break(auto=False)
    pdf.set_title(f"Receipt {receipt.number}")
    pdf.set_lang("ar")
    _register_fonts(pdf)
    pdf.set_text_shaping(use_shaping_engine=True)
    pdf.add_page()
    writer = BidiWriter(pdf)
    y = bilingual_header(writer, TITLE_AR, TITLE_EN, margin, margin, content, size)
    y = bilingual_table(writer, rows(receipt), margin, y, content, size)
    y = bilingual_table(writer, [(ar, pounds(amount), en) for ar, en, amount in receipt.lines]
                        + [("الإجمالي", pounds(receipt.total_piasters), "Total")],
                        margin, y + 2, content, size, bold_last=True)
    y = writer.paragraph(THANKS[0], margin, y + 3, content, size - 1, size * 0.5, "R")
    pdf.set_y(writer.paragraph(THANKS[1], margin, y, content, size - 1, size * 0.5, "L"))
    return pdf


class FpdfReceiptRenderer(ReceiptRenderer):
    def render(self, receipt: PrintableReceipt, paper: str) -> bytes:
        return render_receipt(receipt, paper)
