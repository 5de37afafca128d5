"""HTML tables shared by the printed documents: name-value facts and bordered grids."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from mesodesk.reports.document import esc


def facts(rows: Iterable[tuple[str, str]]) -> str:
    """A borderless two-column table of names and values (values already HTML)."""
    cells = "".join(f"<tr><td class='key'>{esc(k)}</td><td>{v}</td></tr>" for k, v in rows)
    return f"<table class='facts' cellspacing='0'>{cells}</table>"


def grid(
    headers: Sequence[str],
    rows: Iterable[str],
    *,
    numeric: Iterable[int] = (),
    widths: Sequence[int] = (),
) -> str:
    """A bordered table whose header row repeats on every page; ``rows`` are ``<tr>``s.

    ``widths`` are the columns' shares of the text width in per cent (Qt would otherwise
    give narrow numbers as much room as long names).
    """
    right = set(numeric)
    head = []
    for index, header in enumerate(headers):
        attributes = " class='num'" if index in right else ""
        if index < len(widths):
            attributes += f" width='{widths[index]}%'"
        head.append(f"<th{attributes}>{esc(header)}</th>")
    return (
        "<table class='grid' width='100%' cellspacing='1'>"
        f"<thead><tr>{''.join(head)}</tr></thead>{''.join(rows)}</table>"
    )


def nobreak(text: str) -> str:
    """Escaped text kept on one line (30 G 4 mm, 1.5 mm): narrow columns do not split it."""
    return esc(text).replace(" ", "&nbsp;")


def text_lines(text: str) -> str:
    """Typed text of several lines (an address, notes), escaped, its lines kept."""
    return "<br>".join(esc(line) for line in text.splitlines())
