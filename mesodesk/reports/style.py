"""The look of every printed document: fonts, sizes, colours and the style sheet."""

from __future__ import annotations

from PySide6.QtGui import QFont

# The first of these that the system has is used; each carries accents and the
# typographic signs the documents print (−, ±, µ, ², …).
FAMILIES = ["Noto Sans", "Segoe UI", "Helvetica Neue", "Helvetica", "Arial", "DejaVu Sans"]
BODY_PT = 9.5
MARGIN_PT = 7.5

INK = "#1f1f1f"
MUTED = "#5f5f5f"
RULE = "#9a9a9a"
ACCENT = "#1f4e79"
SHADE = "#eef2f6"
WARNING = "#9c2a00"

# Qt's rich text understands a subset of CSS 2.1: enough for shading and spacing, not
# for floats or positioning. Sizes in px are 1/96 inch on paper.
#
# Speed: a history of 100 sessions has thousands of table cells. Qt lays out collapsed
# borders (border-collapse) and matches descendant selectors (table.grid td) slowly, so
# the grid lines are the table's own colour showing through a 1 px cell spacing, the grid's
# smaller type is set once on the table (cells inherit it), and the plain ``td`` and ``th``
# rules are the grid's; the few other tables override them.
CSS = f"""
body {{ color: {INK}; }}
h1 {{ font-size: 16pt; font-weight: 600; color: {ACCENT};
      margin-top: 0px; margin-bottom: 2px; }}
h2 {{ font-size: 12.5pt; font-weight: 600; color: {ACCENT};
      margin-top: 16px; margin-bottom: 5px; }}
h3 {{ font-size: 10.5pt; font-weight: 600; margin-top: 12px; margin-bottom: 4px; }}
p {{ margin-top: 0px; margin-bottom: 5px; }}
ul {{ margin-top: 0px; margin-bottom: 4px; }}
li {{ margin-bottom: 2px; }}
.lead {{ margin-top: 10px; }}
.muted {{ color: {MUTED}; }}
.small {{ font-size: 8pt; }}
.warning {{ color: {WARNING}; font-weight: 600; }}
.voided {{ color: {MUTED}; text-decoration: line-through; }}
.void-note {{ color: {WARNING}; }}
.clinic {{ font-size: 13pt; font-weight: 600; color: {ACCENT}; }}
table.grid {{ background-color: {RULE}; margin-bottom: 6px; font-size: 8.5pt; }}
th {{ background-color: {SHADE}; font-weight: 600; text-align: left; padding: 3px; }}
td {{ background-color: #ffffff; padding: 3px; vertical-align: top; }}
td.num {{ text-align: right; }}
th.num {{ text-align: right; }}
table.plain td {{ padding: 0px; }}
table.facts td {{ padding: 1px 10px 1px 0px; }}
table.facts td.key {{ color: {MUTED}; }}
table.sign td {{ padding: 2px 0px; }}
"""


def _font(points: float) -> QFont:
    font = QFont()
    font.setFamilies(FAMILIES)
    font.setStyleHint(QFont.StyleHint.SansSerif)
    font.setPointSizeF(points)
    # No ligatures: "ﬁ" in "benefits" would be one sign in the PDF, and searching, copying
    # or reading aloud "benefits" would then fail.
    for tag in ("liga", "clig"):
        font.setFeature(QFont.Tag(tag), 0)
    return font


def body_font() -> QFont:
    return _font(BODY_PT)


def margin_font() -> QFont:
    return _font(MARGIN_PT)
