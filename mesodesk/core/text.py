"""Text helpers shared by search and matching: accent- and case-insensitive keys."""

from __future__ import annotations

import re
import unicodedata

_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "ı": "i"})
_SPACES = re.compile(r"\s+")


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Return ``text`` lower-cased, without accents and with single spaces ("Hélène" → "helene")."""
    # Compatibility forms first ("𝓐" → "A"), then case, then the marks case folding exposed.
    folded = _strip_marks(_strip_marks(text).casefold().translate(_SPECIAL))
    return _SPACES.sub(" ", folded).strip()


def digits(text: str) -> str:
    """Return only the digits of ``text`` ("06 12 34 56 78" → "0612345678")."""
    return "".join(ch for ch in text if ch.isdigit())
