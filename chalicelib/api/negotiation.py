"""Content negotiation on the `Accept` header (RFC 9110, section 12.5.1), standard library only.

The verification page is served on every scan of a QR code, so this module stays small and
imports nothing heavy (tests/unit/test_cold_start.py).
"""
from __future__ import annotations

from typing import NamedTuple, Optional, Sequence


class MediaRange(NamedTuple):
    """One element of an Accept header: `type/subtype;params;q=...`, lower-cased."""

    type: str
    subtype: str
    params: tuple[tuple[str, str], ...]
    quality: float

    @property
    def specificity(self) -> int:
        """`*/*` 0, `text/*` 1, `text/html` 2, `text/html;level=1` 3: the most specific wins."""
        if self.type == "*":
            return 0
        if self.subtype == "*":
            return 1
        return 3 if self.params else 2

    def matches(self, offered: "MediaRange") -> bool:
        if self.type not in ("*", offered.type):
            return False
        if self.subtype not in ("*", offered.subtype):
            return False
        return all(param in offered.params for param in self.params)


def parse_accept(header: Optional[str]) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed elements are left out."""
    ranges = []
    for element in (header or "").split(","):
        media_range = _parse_media_range(element)
        if media_range is not None:
            ranges.append(media_range)
    return ranges


def best_media_type(header: Optional[str], offered: Sequence[str]) -> Optional[str]:
    """The offered type the client prefers, or None when it accepts none of them.

    A header with no well-formed range (absent, empty) accepts anything: the first offered type.
    Each offered type takes the quality of the most specific range that matches it; `q=0`
    refuses it. Between equal qualities, the one matched by the more specific range wins
    (`application/json, */*` asks for JSON), then the order of `offered`.
    """
    ranges = parse_accept(header)
    if not ranges:
        return offered[0] if offered else None
    best: Optional[str] = None
    best_rank = (0.0, -1)
    for media_type in offered:
        candidate = _parse_media_range(media_type)
        if candidate is None:
            continue
        matching = [r for r in ranges if r.matches(candidate)]
        if not matching:
            continue
        most_specific = max(matching, key=lambda r: r.specificity)
        rank = (most_specific.quality, most_specific.specificity)
        if most_specific.quality > 0 and rank > best_rank:
            best, best_rank = media_type, rank
    return best


def _parse_media_range(element: str) -> Optional[MediaRange]:
    media, *raw_params = element.split(";")
    kind, slash, subtype = media.strip().lower().partition("/")
    if not slash or not _is_token(kind) or not _is_token(subtype) or (kind == "*" and subtype != "*"):
        return None
    quality = 1.0
    params = []
    for raw in raw_params:
        name, equals, value = raw.strip().partition("=")
        name, value = name.strip().lower(), value.strip().strip('"')
        if not equals or not name:
            continue
        if name == "q":
            parsed = _quality(value)
            if parsed is None:
                return None
            quality = parsed
            break  # what follows q= are accept-extensions, not media type parameters
        params.append((name, value.lower() if name == "charset" else value))
    return MediaRange(kind, subtype, tuple(params), quality)


def _quality(value: str) -> Optional[float]:
    """A qvalue: 0 to 1 with at most three decimals; anything else is malformed."""
    whole, _, decimals = value.partition(".")
    if whole not in ("0", "1") or len(decimals) > 3 or (decimals and not decimals.isdigit()):
        return None
    quality = float(f"{whole}.{decimals or '0'}")
    return quality if quality <= 1 else None


def _is_token(text: str) -> bool:
    return bool(text) and all(c.isalnum() or c in "!#$%&'*+-.^_`|~" for c in text)
