"""The HTML page behind every licence QR code (`GET /v/{token}`).

Whoever scans a licence — an inspector at a shop door, a neighbour, a buyer — usually does it on a
phone, outdoors, on a weak connection. So the page is one self-contained HTML document: inline CSS,
no JavaScript, no images, fonts or stylesheets from anywhere, and a verdict banner that reads at a
glance. Arabic comes first; English sits beneath it. Every dynamic value is HTML-escaped.
"""
from __future__ import annotations

from datetime import date
from html import escape
from typing import Any, Mapping, Optional

from chalicelib.domain.verification import Verdict, VerificationView

# Browsers and the CDN may keep the page for a short while — a QR code is scanned again and again
# at the same door — but never long: when a district revokes or suspends a licence, anyone who
# scans it must see that within a minute, not the stale green banner. 30 s in the phone,
# 60 s in a shared cache (s-maxage) bounds that delay at about one minute.
CACHE_CONTROL_HEADER = "public, max-age=30, s-maxage=60"

Names = Mapping[str, tuple[str, str]]

# verdict -> (css class, icon, Arabic headline, English headline, Arabic advice, English advice)
_BANNERS: dict[Verdict, tuple[str, str, str, str, str, str]] = {
    Verdict.GENUINE_VALID: (
        "ok", "✓", "رخصة سليمة وسارية", "Genuine and valid",
        "صادرة إلكترونيًا من الحي ومسجلة لدى محافظة الإسكندرية.",
        "Issued electronically by the district and on record with Alexandria Governorate."),
    Verdict.EXPIRED: (
        "expired", "!", "رخصة منتهية الصلاحية", "Licence expired",
        "الرخصة أصلية لكن مدتها انتهت. يلزم التجديد، وقد تُحتسب غرامة عدم التجديد.",
        "The licence is genuine but its term has ended. It must be renewed; a late-renewal fine may apply."),
    Verdict.SUSPENDED: (
        "suspended", "!", "رخصة موقوفة", "Licence suspended",
        "الرخصة أصلية لكنها موقوفة حاليًا ولا يجوز العمل بها.",
        "The licence is genuine but currently suspended; it may not be relied on."),
    Verdict.REVOKED: (
        "revoked", "✗", "رخصة ملغاة", "Licence revoked",
        "ألغى الحي هذه الرخصة ولم تعد صالحة.",
        "The district has revoked this licence; it is no longer valid."),
    Verdict.SUPERSEDED: (
        "superseded", "!", "حلت محلها رخصة أحدث", "Replaced by a newer licence",
        "الرخصة أصلية لكن صدرت بدلًا منها رخصة أخرى (تعديل أو نقل أو بدل). اطلب الرخصة الجديدة "
        "المبين رقمها أدناه.",
        "The licence is genuine, but another was issued in its place (an amendment, transfer "
        "or duplicate). Ask for the new licence numbered below."),
    Verdict.NOT_GENUINE: (
        "forged", "✗", "غير أصلية", "NOT GENUINE",
        "لم يصدر هذا الرمز عن المحافظة أو تم العبث به. لا تعتمد على هذه الرخصة، "
        "وأبلغ الحي أو مركز الخدمات التكنولوجية.",
        "This code was not issued by the governorate, or it was tampered with. Do not rely on "
        "this licence; report it to the district office or a technology services centre."),
}

_CSS = """
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:#f2f4f7;color:#101828;line-height:1.5;
 font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans Arabic","Noto Naskh Arabic",
 Tahoma,"DejaVu Sans",Arial,sans-serif;overflow-wrap:anywhere}
main{max-width:34rem;margin:0 auto;padding:0 0 1.5rem}
.banner{padding:1.25rem 1rem 1.1rem;color:#fff;text-align:center}
.banner .icon{display:block;font-size:2.6rem;line-height:1;font-weight:700;margin-bottom:.35rem}
.banner h1{margin:0;font-size:1.75rem;line-height:1.3}
.banner .en{margin:.1rem 0 0;font-size:1.15rem;font-weight:600;opacity:.95}
.banner .advice{margin:.6rem 0 0;font-size:.95rem}
.banner .advice span{display:block;margin-top:.3rem;font-size:.85rem;opacity:.9}
.ok{background:#067647}
/* yellow -> orange -> red -> dark red: each step clearly worse, and distinguishable at a glance;
   dark text on the two light banners keeps contrast readable in sunlight */
.expired{background:#facc15;color:#1f1300}
.suspended{background:#f97316;color:#1f1300}
.revoked{background:#b42318}
.superseded{background:#3e4784}
.forged{background:#7a0c0c}
.card{background:#fff;margin:.75rem;border-radius:.75rem;padding:.25rem 1rem;
 box-shadow:0 1px 2px rgba(16,24,40,.08)}
dl{margin:0}
.row{padding:.6rem 0;border-bottom:1px solid #eaecf0}
.row:last-child{border-bottom:0}
dt{font-size:.8rem;color:#475467}
dd{margin:0;font-size:1.05rem;font-weight:600}
dd .en{display:block;text-align:right;font-size:.85rem;font-weight:400;color:#475467}
/* a wrapped number stays flush with the RTL column instead of jumping to the left edge */
.ltr{direction:ltr;unicode-bidi:isolate;display:inline-block;text-align:right}
.fines dd{color:#b42318}
.fines ul{margin:.25rem 0 0;padding-inline-start:1.1rem;font-weight:400;font-size:.9rem;color:#101828}
a{color:#175cd3}
.map{display:inline-block;margin-top:.3rem;font-weight:600;font-size:.95rem}
footer{margin:1rem .75rem 0;font-size:.85rem;color:#475467;text-align:center}
footer span{display:block}
footer span:nth-of-type(2){margin-top:.5rem}
""".strip()


def _e(value: Any) -> str:
    """HTML-escape any value, quotes included (values also land inside attributes)."""
    return escape("" if value is None else str(value), quote=True)


def format_egp(piasters: int) -> str:
    """Integer piasters as Egyptian pounds with two decimals: 125050 -> "1,250.50"."""
    sign = "-" if piasters < 0 else ""
    pounds, remainder = divmod(abs(int(piasters)), 100)
    return f"{sign}{pounds:,}.{remainder:02d}"


def osm_link(lat: float, lng: float) -> str:
    """An OpenStreetMap link with a marker on the site, zoomed to street level."""
    return (f"https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lng:.5f}"
            f"#map=18/{lat:.5f}/{lng:.5f}")


def _bilingual(code: Optional[str], names: Names) -> tuple[str, str]:
    """(Arabic, English) for a catalogue code; an unknown code is shown as itself, not hidden."""
    if code is None:
        return ("—", "")
    arabic, english = names.get(code, (code, code))
    return (arabic, english)


def _row(label_ar: str, label_en: str, value_html: str, css_class: str = "") -> str:
    class_attr = f' class="row {css_class}"' if css_class else ' class="row"'
    return (f"<div{class_attr}><dt>{_e(label_ar)} · {_e(label_en)}</dt>"
            f"<dd>{value_html}</dd></div>")


def _ltr(text: str) -> str:
    """Numbers, dates and codes keep their left-to-right order inside the RTL page."""
    return f'<span class="ltr" dir="ltr">{_e(text)}</span>'


def _date_text(day: Optional[date]) -> str:
    return day.isoformat() if day is not None else "—"


def _banner(verdict: Verdict) -> str:
    css_class, icon, title_ar, title_en, advice_ar, advice_en = _BANNERS[verdict]
    return (f'<header class="banner {css_class}" role="status">'
            f'<span class="icon" aria-hidden="true">{icon}</span>'
            f"<h1>{_e(title_ar)}</h1>"
            f'<p class="en" lang="en" dir="ltr">{_e(title_en)}</p>'
            f'<p class="advice">{_e(advice_ar)}'
            f'<span lang="en" dir="ltr">{_e(advice_en)}</span></p>'
            "</header>")


def _named_value(code: Optional[str], names: Names) -> str:
    arabic, english = _bilingual(code, names)
    show_english = english and english != arabic  # an unknown code is shown once, not twice
    english_html = f'<span class="en" lang="en" dir="ltr">{_e(english)}</span>' if show_english else ""
    return f"{_e(arabic)}{english_html}"


def _site_value(lat: Optional[float], lng: Optional[float]) -> str:
    if lat is None or lng is None:
        return "—"
    # rel=noreferrer (and the page's referrer policy) keep the token in our URL away from the map site.
    return (f"{_ltr(f'{lat:.5f}, {lng:.5f}')}<br>"
            f'<a class="map" href="{_e(osm_link(lat, lng))}" rel="noopener noreferrer">'
            f'عرض الموقع على الخريطة · <span lang="en">Show on map</span></a>')


def _fines_value(view: VerificationView) -> str:
    total = format_egp(view.outstanding_fines_piasters)
    items = "".join(
        f"<li>{_e(fine.get('name', ''))}: {_ltr(format_egp(int(fine.get('amount') or 0)))} ج.م</li>"
        for fine in view.fines)
    return (f"{_ltr(total)} ج.م"
            f'<span class="en" lang="en" dir="ltr">EGP {_e(total)}</span>'
            + (f"<ul>{items}</ul>" if items else ""))


def _details(view: VerificationView, kind_names: Names, district_names: Names) -> str:
    rows = [
        _row("رقم الرخصة", "Licence number", _ltr(view.number or "—")),
        _row("نوع الرخصة", "Kind", _named_value(view.kind, kind_names)),
        _row("الحي", "District", _named_value(view.district, district_names)),
        _row("سارية من", "Valid from", _ltr(_date_text(view.valid_from))),
        _row("سارية حتى", "Valid until", _ltr(_date_text(view.valid_until))),
        _row("صاحب الرخصة", "Holder", _e(view.holder_masked or "—")),
        _row("إحداثي الموقع", "Site coordinates", _site_value(view.lat, view.lng)),
    ]
    if view.replaced_by:
        rows.insert(1, _row("حلت محلها الرخصة", "Replaced by licence", _ltr(view.replaced_by)))
    if view.outstanding_fines_piasters > 0:
        rows.append(_row("غرامات مستحقة", "Outstanding fines", _fines_value(view), "fines"))
    return f'<section class="card"><dl>{"".join(rows)}</dl></section>'


# Said on every page, forged ones included: people must learn to trust the scan, not a stamp.
_FOOTER = ('<footer>رمز QR على الرخصة الإلكترونية يحل محل الطوابع والأختام الورقية.'
           '<span lang="en" dir="ltr">The QR code on an electronic licence replaces paper '
           'stamps and seals.</span>'
           '<span>بوابة خدمات المحليات — محافظة الإسكندرية</span>'
           '<span lang="en" dir="ltr">Local Services Portal — Alexandria Governorate</span></footer>')


def render_verification_page(view: VerificationView, kind_names: Names, district_names: Names) -> str:
    """The full HTML5 page for one verification.

    `kind_names` and `district_names` map catalogue codes to (Arabic, English) names. A NOT_GENUINE
    view shows the warning only: nothing read from a forged token is displayed.
    """
    details = _details(view, kind_names, district_names) if view.genuine else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="ar" dir="rtl">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex, nofollow">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="color-scheme" content="light">\n'
        "<title>التحقق من الرخصة · Licence verification</title>\n"
        f"<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
        f"{_banner(view.verdict)}\n{details}\n{_FOOTER}\n"
        "</main>\n</body>\n</html>\n"
    )
