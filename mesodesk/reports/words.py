"""Record values in the words printed on paper: dates, volumes, yes and no, catalogue names.

The record stores codes (``moderate``, ``thigh_outer``); a printed page shows what a
practitioner or a patient reads ("Moderate", "Outer thigh"). Everything here returns plain
text: the caller escapes it for HTML.
"""

from __future__ import annotations

import datetime as dt

from mesodesk.core.enums import ConsentKind, FindingLevel, Side
from mesodesk.core.rules import Finding

DASH = "—"

CONSENT_WORDS = {ConsentKind.TREATMENT: "Treatment", ConsentKind.PHOTOS: "Photographs"}
FINDING_WORDS = {
    FindingLevel.BLOCK: "Contraindication",
    FindingLevel.CAUTION: "Caution",
    FindingLevel.INFO: "Note",
}


def day(value: dt.date | None) -> str:
    """ISO dates (2026-09-01): read the same way in every country."""
    return value.isoformat() if value is not None else DASH


def moment(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M")


def yes_no(flag: bool) -> str:
    return "Yes" if flag else "No"


def millilitres(volume: float | None) -> str:
    """A volume with at least one decimal, as practitioners write it: 2.0 mL, 0.25 mL."""
    if volume is None:
        return DASH
    shown = f"{volume:.2f}".rstrip("0")
    if shown.endswith("."):
        shown += "0"
    return f"{shown} mL"


def millimetres(length: float | None) -> str:
    return f"{length:g} mm" if length else DASH


def count(number: int | None) -> str:
    return str(number) if number is not None else DASH


def sentence(text: str) -> str:
    """The first letter in capitals: catalogue words are often stored in lower case."""
    return text[:1].upper() + text[1:]


def area(region: str, side: Side) -> str:
    """A treated area as said aloud: "Outer thigh, left", "Buttock, both sides"."""
    if side in (Side.LEFT, Side.RIGHT):
        return f"{region}, {side.value}"
    if side is Side.BOTH:
        return f"{region}, both sides"
    return region


def finding(item: Finding) -> str:
    return f"{FINDING_WORDS.get(item.level, sentence(item.level.value))}: {item.message}"


def age_on(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
