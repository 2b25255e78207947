"""Arabic text search that forgives how people type: with or without diacritics, with any
hamza on the alef, ya or alef maqsura, ta marbuta or ha.

Both the query and the text are folded to one spelling, then every word of the query must
start a word of the text (so "رخص" finds "رخصة" and "ترخيص" needs its own word). Pure Python.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterable

# Tashkeel (fathatan .. sukun), superscript alef, Quranic marks; the tatweel stretches a word.
_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_FOLD = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",  # hamza and madda on or under the alef
    "ى": "ي", "ئ": "ي",                      # alef maqsura and hamza on ya read as ya
    "ؤ": "و",                               # hamza on waw
    "ة": "ه",                               # ta marbuta typed as ha
})
_WORD = re.compile(r"\w+")


def normalise(text: str) -> str:
    """One spelling: NFKC, no marks or tatweel, folded letters, lower-case Latin."""
    folded = _MARKS.sub("", unicodedata.normalize("NFKC", text)).translate(_FOLD)
    return " ".join(_WORD.findall(folded.casefold()))


def matches(query: str, texts: Iterable[str]) -> bool:
    """Every word of the query starts some word of the texts (after both are normalised)."""
    words = set(normalise(" ".join(texts)).split())
    wanted = normalise(query).split()
    return all(any(word.startswith(part) for word in words) for part in wanted)
