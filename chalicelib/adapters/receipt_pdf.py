"""The counter receipt as a PDF: Arabic first (title and labels on the right, Arabic as large as
English), on A4 or on an 80 mm thermal roll. Drawn as the paper copy is (chalicelib/adapters/
paper_pdf.py): fpdf2 with HarfBuzz shaping and the packaged Noto fonts, loaded lazily."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from chalicelib.adapters.paper_pdf import LATIN_FAMILY, _register_fonts
from chalicelib.ports import PrintableReceipt, ReceiptRenderer

if TYPE_CHECKING:  # pragma: no cover
    from fpdf import FPDF

CAIRO = ZoneInfo("Africa/Cairo")
TITLE_AR, TITLE_EN = "إيصال سداد رسوم", "Fee payment receipt"
METHODS = {"cash": ("نقدًا", "Cash"), "card": ("بطاقة (نقطة بيع)", "Card (POS)")}
THANKS = ("احتفظ بهذا الإيصال. تابع طلبك على البوابة بتسجيل الدخول برقم محمولك.",
          "Keep this receipt. Follow your application on the portal by signing in with your mobile.")
# (page width, margin, font size, orientation of the label/value rows)
PAPERS = {"a4": (210.0, 15.0, 12.0), "thermal": (80.0, 3.0, 8.0)}


def pounds(piasters: int) -> str:
    return f"{piasters // 100:,}.{piasters % 100:02d} EGP"


def paid_at_cairo(paid_at: str) -> str:
    moment = datetime.fromisoformat(paid_at.replace("Z", "+00:00")).astimezone(CAIRO)
    return moment.strftime("%Y-%m-%d %H:%M") + " (Cairo)"


def rows(receipt: PrintableReceipt) -> list[tuple[str, str, str]]:
    """(Arabic label, value, English label) in reading order."""
    method_ar, method_en = METHODS.get(receipt.method, (receipt.method, receipt.method))
    return [
        ("رقم الإيصال", receipt.number, "Receipt no."),
        ("التاريخ", paid_at_cairo(receipt.paid_at), "Date"),
        ("المركز", f"المركز التكنولوجي بحي {receipt.district_ar}\n"
                   f"{receipt.district_en} technology centre", "Centre"),
        ("رقم الطلب", receipt.application_id, "Application"),
        ("الخدمة", f"{receipt.service_ar}\n{receipt.service_en}", "Service"),
        ("مقدم الطلب", receipt.citizen_name, "Applicant"),
        ("طريقة الدفع", f"{method_ar} — {method_en}", "Paid by"),
        ("الموظف", receipt.clerk_name or "—", "Clerk"),
    ]


def render_receipt(receipt: PrintableReceipt, paper: str) -> bytes:
    from fpdf import FPDF

    width, margin, size = PAPERS[paper]
    content = width - 2 * margin
    height = 297.0 if paper == "a4" else 60.0 + 9.0 * (len(rows(receipt)) + len(receipt.lines)) + 40
    pdf = FPDF(orientation="portrait", unit="mm", format=(width, height))
    pdf.set_margins(margin, margin, margin)
    pdf.set_auto_page_break(auto=paper == "a4", margin=margin)
    pdf.set_title(f"Receipt {receipt.number}")
    pdf.set_lang("ar")
    _register_fonts(pdf)
    pdf.set_text_shaping(use_shaping_engine=True)
    pdf.add_page()
    _header(pdf, receipt, content, size)
    _table(pdf, [(ar, value, en) for ar, value, en in rows(receipt)], content, size)
    pdf.ln(2)
    _table(pdf, [(ar, pounds(amount), en) for ar, en, amount in receipt.lines]
           + [("الإجمالي", pounds(receipt.total_piasters), "Total")], content, size, bold_last=True)
    pdf.ln(3)
    pdf.set_font(LATIN_FAMILY, "", size - 1)
    pdf.multi_cell(w=content, h=size * 0.5, text=THANKS[0], align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(w=content, h=size * 0.45, text=THANKS[1], align="L", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _header(pdf: "FPDF", receipt: PrintableReceipt, content: float, size: float) -> None:
    pdf.set_font(LATIN_FAMILY, "B", size + 6)
    pdf.multi_cell(w=content, h=size * 0.8, text=TITLE_AR, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(LATIN_FAMILY, "B", size + 2)
    pdf.multi_cell(w=content, h=size * 0.6, text=TITLE_EN, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(LATIN_FAMILY, "", size)
    pdf.set_draw_color(40, 90, 60)
    pdf.line(pdf.l_margin, pdf.get_y() + 1, pdf.l_margin + content, pdf.get_y() + 1)
    pdf.ln(3)


def _table(pdf: "FPDF", entries: list[tuple[str, str, str]], content: float, size: float,
           bold_last: bool = False) -> None:
    """English label | value | Arabic label: the Arabic label sits on the right, read first."""
    label = content * (0.22 if content > 100 else 0.25)
    pdf.set_font(LATIN_FAMILY, "", size)
    pdf.set_draw_color(170, 170, 170)
    with pdf.table(col_widths=(label, content - 2 * label, label),
                   text_align=("LEFT", "CENTER", "RIGHT"), first_row_as_headings=False,
                   line_height=size * 0.5, padding=1, v_align="MIDDLE") as table:
        for n, (ar, value, en) in enumerate(entries):
            style = "B" if bold_last and n == len(entries) - 1 else ""
            row = table.row()
            for text in (en, value, ar):
                if style:
                    from fpdf.fonts import FontFace

                    row.cell(text, style=FontFace(emphasis="BOLD"))
                else:
                    row.cell(text)


class FpdfReceiptRenderer(ReceiptRenderer):
    def render(self, receipt: PrintableReceipt, paper: str) -> bytes:
        return render_receipt(receipt, paper)
