"""Arabic-first text on the counter's PDFs (receipt, paper copy, drawer report), drawn so that a
reader copying it, a screen reader or a text extractor gets the words in the order written.

A PDF keeps glyphs, placed where they are seen; extractors rebuild the reading order. fpdf2
shapes with HarfBuzz and orders each line by the Unicode bidi algorithm, then writes the pieces
left to right, switching font at every space of an Arabic line (the space comes from Noto Sans,
the letters from Noto Naskh Arabic). Extractors that read the content in its written order
(pypdf) then get every Arabic word reversed in order, and the number of "12 شارع فؤاد" ends
up after the street.

So each line is cut here into its directional runs (fpdf2's own implementation of the bidi
algorithm, `fpdf.bidi.BidiParagraph`), the runs are placed where the algorithm puts them on the
line, and they are written in logical order: the run read first is written first, each in one
font (Arabic runs in Noto Naskh Arabic, spaces and Arabic commas included; the rest in Noto
Sans). The page looks exactly the same; only the order of the content stream changes.
Extractors that order glyphs by their place on the page (poppler's pdftotext, PDFium in Chrome
and Edge) do not follow that order: each applies its own right-to-left pass to a line, and reverses
an /ActualText as it reverses glyphs, so none is written (docs/counter.md, "Printed text", says
what each extractor gives and why).

Our own bilingual strings avoid characters Noto Naskh Arabic lacks inside Arabic runs
(parentheses, dashes) and vowel marks, which extractors place on a line of their own.
fpdf2 is imported lazily by the callers; this module only uses the `pdf` it is given.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from fpdf import FPDF

LTR_FAMILY = "NotoSans"
RTL_FAMILY = "NotoNaskhArabic"


@dataclass(frozen=True)
class Run:
    """A stretch of one line at one embedding level, in logical order; `rtl`: drawn with the
    Arabic font (an odd level's letters), else with Noto Sans."""

    text: str
    rtl: bool
    level: int


ARABIC_STRONG = ("R", "AL", "NSM")
LATIN_STRONG = ("L", "EN", "AN")
# Naskh letters are small for their point size beside Noto Sans: Arabic is set 15 % larger,
# so that it is at least as large as the English on the page, never smaller.
ARABIC_SCALE = 1.15


def is_rtl_paragraph(text: str) -> bool:
    """The direction of a paragraph: that of its first strong character (rules P2-P3)."""
    import unicodedata

    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def runs(text: str) -> list[Run]:
    """The line's directional runs in logical order, with their resolved embedding levels."""
    from fpdf.bidi import BidiParagraph
    from fpdf.enums import TextDirection

    if not text:
        return []
    base = TextDirection.RTL if is_rtl_paragraph(text) else TextDirection.LTR
    characters = BidiParagraph(text, base_direction=base).get_characters_with_embedding_level()
    found: list[Run] = []
    for char in characters:
        level = char.embedding_level
        if found and found[-1].level == level:
            found[-1] = Run(found[-1].text + char.character, level % 2 == 1, level)
        else:
            found.append(Run(char.character, level % 2 == 1, level))
    return [piece for run in found for piece in _split_edge_neutrals(run)]


def _split_edge_neutrals(run: Run) -> list[Run]:
    """Punctuation and spaces where a run meets the text before it in the content stream,
    one character per run, in Noto Sans: an Arabic run's closing ones (drawn at its left end,
    so first in the stream) and a Latin run's opening ones. An extractor that reads the
    stream in order (pypdf) gives such characters the direction of what it read before, and
    reverses a group of them; alone in a text object of their own, each is read where it is."""
    import unicodedata

    text = run.text
    if run.rtl:
        end = len(text)
        while end > 0 and unicodedata.bidirectional(text[end - 1]) not in ARABIC_STRONG:
            end -= 1
        if end == 0:
            return [Run(char, False, run.level) for char in text]
        return [Run(text[:end], True, run.level)] + [Run(char, False, run.level)
                                                      for char in text[end:]]
    start = 0
    while start < len(text) and unicodedata.bidirectional(text[start]) not in LATIN_STRONG:
        start += 1
    if start == 0:
        return [run]
    rest = [Run(text[start:], False, run.level)] if start < len(text) else []
    return [Run(char, False, run.level) for char in text[:start]] + rest


def visual_order(line: list[Run]) -> list[int]:
    """Indices of `line`'s runs from left to right (rule L2: from the highest level down,
    reverse every sequence of runs at that level or higher)."""
    order = list(range(len(line)))
    if not line:
        return order
    highest = max(run.level for run in line)
    lowest_odd = min((run.level for run in line if run.level % 2), default=highest + 1)
    for level in range(highest, lowest_odd - 1, -1):
        n = 0
        while n < len(order):
            if line[order[n]].level >= level:
                end = n
                while end < len(order) and line[order[end]].level >= level:
                    end += 1
                order[n:end] = reversed(order[n:end])
                n = end
            else:
                n += 1
    return order


class BidiWriter:
    """Writes lines and wrapped paragraphs of mixed Arabic and English on an fpdf2 page."""

    def __init__(self, pdf: "FPDF") -> None:
        self.pdf = pdf

    def _font(self, run: Run, size: float, bold: bool) -> None:
        if run.rtl:
            self.pdf.set_font(RTL_FAMILY, "B" if bold else "", size * ARABIC_SCALE)
        else:
            self.pdf.set_font(LTR_FAMILY, "B" if bold else "", size)

    def width(self, text: str, size: float, bold: bool = False) -> float:
        total = 0.0
        for run in runs(text):
            self._font(run, size, bold)
            total += self.pdf.get_string_width(run.text)
        return total

    def line(self, text: str, x: float, y: float, w: float, h: float, size: float,
             align: str = "", bold: bool = False, lead: bool = False) -> None:
        """One line in the box (x, y, w, h). `align`: "R", "L" or "C"; by default the
        paragraph's own start (right for Arabic, left for English). `lead` writes an unseen
        space before the line, so that text copied from a row of cells keeps its words apart."""
        pieces = runs(text.strip())
        if not pieces:
            return
        widths = []
        for run in pieces:
            self._font(run, size, bold)
            widths.append(self.pdf.get_string_width(run.text))
        align = align or ("R" if pieces[0].level % 2 or is_rtl_paragraph(text) else "L")
        used = sum(widths)
        start = {"L": x, "R": x + w - used, "C": x + (w - used) / 2}[align]
        left: dict[int, float] = {}
        for index in visual_order(pieces):
            left[index] = start
            start += widths[index]
        margin = self.pdf.c_margin
        self.pdf.c_margin = 0
        try:
            if lead:
                # An unseen space in a text object of its own, just outside where the line
                # starts: right of an Arabic run, left of a Latin one.
                self._font(pieces[0], size, bold)
                gap = self.pdf.get_string_width(" ")
                first = left[0] + widths[0] if pieces[0].level % 2 else left[0] - gap
                self.pdf.set_xy(first, y)
                self.pdf.cell(w=gap, h=h, text=" ", align="L")
            for index, run in enumerate(pieces):  # logical order: what is read first, first
                self._font(run, size, bold)
                self.pdf.set_xy(left[index], y)
                self.pdf.cell(w=widths[index], h=h, text=run.text, align="L")
        finally:
            self.pdf.c_margin = margin

    def wrap(self, text: str, w: float, size: float, bold: bool = False) -> list[str]:
        """The paragraph(s) of `text` (one per "\\n") broken into lines no wider than `w`,
        at spaces, or anywhere inside a word too long for a line (a URL)."""
        lines: list[str] = []
        for paragraph in text.split("\n"):
            current = ""
            for word in paragraph.split(" "):
                candidate = f"{current} {word}" if current else word
                if not current or self.width(candidate, size, bold) <= w:
                    current = candidate
                else:
                    lines.append(current)
                    current = word
                while self.width(current, size, bold) > w and len(current) > 1:
                    cut = len(current) - 1
                    while cut > 1 and self.width(current[:cut], size, bold) > w:
                        cut -= 1
                    lines.append(current[:cut])
                    current = current[cut:]
            lines.append(current)
        return lines

    def paragraph(self, text: str, x: float, y: float, w: float, size: float,
                  line_height: float, align: str = "", bold: bool = False) -> float:
        """Wrapped lines from y down; returns the y under the last line."""
        for text_line in self.wrap(text, w, size, bold):
            self.line(text_line, x, y, w, line_height, size, align, bold)
            y += line_height
        return y


@dataclass(frozen=True)
class Column:
    left: float  # from the table's left edge
    width: float
    align: str  # "R", "L" or "C"


def table_row(writer: BidiWriter, cells: list[tuple[str, Column]], x: float, y: float,
              size: float, line_height: float, padding: float, bold: bool = False,
              draw: bool = True) -> float:
    """One bordered row; `cells` in reading order (Arabic first), each placed in its column
    placed by its column. Returns the row's height."""
    lines = [writer.wrap(text, column.width - 2 * padding, size, bold) for text, column in cells]
    height = max(len(found) for found in lines) * line_height + 2 * padding
    if not draw:
        return height
    for number, ((_, column), found) in enumerate(zip(cells, lines)):
        left = x + column.left
        writer.pdf.rect(left, y, column.width, height)
        top = y + (height - len(found) * line_height) / 2
        for n, text_line in enumerate(found):
            writer.line(text_line, left + padding, top + n * line_height,
                        column.width - 2 * padding, line_height, size, column.align, bold,
                        lead=number > 0 and n == 0)
    return height


def bilingual_header(writer: BidiWriter, title_ar: str, title_en: str, x: float, y: float,
                     content: float, size: float) -> float:
    """The Arabic title on the right, larger, then the English one on the left, and a rule."""
    pdf = writer.pdf
    writer.line(title_ar, x, y, content, size * 0.8, size + 6, "R", bold=True)
    writer.line(title_en, x, y + size * 0.8, content, size * 0.6, size + 2, "L", bold=True)
    y += size * 1.4 + 1
    pdf.set_draw_color(40, 90, 60)
    pdf.line(x, y, x + content, y)
    return y + 3


def bilingual_table(writer: BidiWriter, entries: list[tuple[str, str, str]], x: float,
                    y: float, content: float, size: float, bold_last: bool = False,
                    bottom: float = 0.0) -> float:
    """Rows of English label | value | Arabic label: the Arabic label sits on the right and is
    written first. A row that would pass `bottom` starts a new page. Returns the y below."""
    pdf = writer.pdf
    label = content * (0.22 if content > 100 else 0.25)
    english, value, arabic = (Column(0, label, "L"), Column(label, content - 2 * label, "C"),
                              Column(content - label, label, "R"))
    pdf.set_draw_color(170, 170, 170)
    pdf.set_line_width(0.2)
    line_height, padding = size * 0.5, 1.0
    for n, (ar, shown, en) in enumerate(entries):
        bold = bold_last and n == len(entries) - 1
        cells = [(ar, arabic), (shown, value), (en, english)]
        if bottom and y + table_row(writer, cells, x, y, size, line_height, padding, bold,
                                    draw=False) > bottom:
            pdf.add_page()
            y = pdf.t_margin
        y += table_row(writer, cells, x, y, size, line_height, padding, bold)
    return y
