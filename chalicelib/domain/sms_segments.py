"""How many parts an SMS text costs, per 3GPP TS 23.038 (the GSM 7-bit default alphabet).

A text made only of the GSM 7-bit default alphabet (the basic table, plus the extension table
whose characters take an escape and so two septets each) is sent as GSM-7: 160 septets in one
message, 153 per part of a concatenated one (the user data header takes 7). Anything else —
every Arabic letter — forces UCS-2: 70 UTF-16 code units in one message, 67 per part.
A part never splits an escape pair (GSM-7) or a surrogate pair (UCS-2).
"""
from __future__ import annotations

from dataclasses import dataclass

GSM7, UCS2 = "GSM-7", "UCS-2"
GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67

# TS 23.038 §6.2.1, the default alphabet's basic table (0x1B, the escape, is not a character).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
# §6.2.1.1, the extension table: each costs the escape septet plus its own.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")


@dataclass(frozen=True)
class SmsSize:
    encoding: str
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def size(text: str) -> SmsSize:
    """The encoding a phone network will use for `text`, its length in that encoding and the
    number of SMS it is billed as."""
    if is_gsm7(text):
        widths = [2 if c in GSM7_EXTENSION else 1 for c in text]
        return SmsSize(GSM7, sum(widths), _parts(widths, GSM7_SINGLE, GSM7_PART))
    widths = [len(c.encode("utf-16-le")) // 2 for c in text]
    return SmsSize(UCS2, sum(widths), _parts(widths, UCS2_SINGLE, UCS2_PART))


def segments(text: str) -> int:
    return size(text).segments


def _parts(widths: list[int], single: int, per_part: int) -> int:
    """Parts needed, filling each part greedily without splitting one character's units."""
    if sum(widths) <= single:
        return 1
    parts, used = 1, 0
    for width in widths:
        if used + width > per_part:
            parts, used = parts + 1, 0
        used += width
    return parts
