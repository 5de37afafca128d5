"""Spreadsheet cells that cannot run as formulas."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Text a spreadsheet would take for a formula gets a leading apostrophe.

    Applies to every text cell written to CSV and XLSX (OWASP's advice on CSV injection);
    numbers and dates are written as numbers and dates, never through here.
    """
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text
