"""Paper: the page size by country, any paged device (the printer), all-or-nothing files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter
from PySide6.QtPrintSupport import QPrinter

from mesodesk.core.db import Database
from mesodesk.core.enums import ConsentKind
from mesodesk.core.errors import KnownError
from mesodesk.core.services import catalogue
from mesodesk.core.services.measurements import SeriesKey
from mesodesk.reports import words
from mesodesk.reports.aftercare import print_aftercare
from mesodesk.reports.consent import print_consent
from mesodesk.reports.document import Printed, default_page_size, lay_out, write_pdf
from mesodesk.reports.history import print_history, write_history_pdf
from mesodesk.reports.plot_images import plotted_metrics
from tests.reports.conftest import Treated, page_sizes, page_texts, pdf_text

A4 = (595, 842)
LETTER = (612, 792)
Size = QPageSize.PageSizeId


@pytest.mark.parametrize(
    ("locale", "size"),
    [
        ("en_US", Size.Letter), ("en_CA", Size.Letter), ("fr_CA", Size.Letter),
        ("es_MX", Size.Letter), ("es_CO", Size.Letter), ("en_PH", Size.Letter),
        ("fr_FR", Size.A4), ("en_GB", Size.A4), ("de_DE", Size.A4), ("es_ES", Size.A4),
        ("ja_JP", Size.A4), ("pt_BR", Size.A4),
    ],
)  # fmt: skip
def test_letter_where_the_country_prints_on_letter(locale: str, size: Size) -> None:
    assert default_page_size(QLocale(locale)) == size


@pytest.mark.usefixtures("qapp")
@pytest.mark.parametrize(("size", "points"), [(Size.A4, A4), (Size.Letter, LETTER)])
def test_the_history_is_written_on_the_chosen_paper(
    treated: Treated, tmp_path: Path, size: Size, points: tuple[int, int]
) -> None:
    out = tmp_path / "history.pdf"
    write_history_pdf(treated.db, treated.helene.patient, out, page_size=size)
    sizes = page_sizes(out)
    assert len(sizes) > 1
    assert set(sizes) == {points}


@pytest.mark.usefixtures("qapp")
def test_without_a_choice_the_paper_is_the_systems(tmp_path: Path) -> None:
    out = tmp_path / "note.pdf"
    write_pdf(Printed("A note", "<p>Hello</p>"), out)
    expected = LETTER if default_page_size() == Size.Letter else A4
    assert page_sizes(out) == [expected]


@pytest.mark.usefixtures("qapp")
def test_a_long_document_is_paginated_with_numbers(tmp_path: Path) -> None:
    rows = "".join(f"<tr><td>row {n}</td></tr>" for n in range(400))
    printed = Printed(
        "Long",
        f"<table class='grid'>{rows}</table>",
        header_left="<b>header</b>",
        header_right="Long",
        footer_centre="Clinic",
        printed_on=dt.date(2026, 1, 2),
    )
    out = tmp_path / "long.pdf"
    pages = write_pdf(printed, out, Size.A4)
    texts = page_texts(out)
    assert len(texts) == pages > 3
    assert "row 0" in texts[0] and "row 399" in texts[-1]
    assert all(f"Page {n} of {pages}" in t for n, t in enumerate(texts, start=1))
    assert all("Printed on 2026-01-02" in t and "Clinic" in t for t in texts)
    assert "<b>header</b>" not in texts[0]  # the running header starts on page 2
    assert all("<b>header</b>" in t for t in texts[1:])


@pytest.mark.usefixtures("qapp")
def test_a_missing_folder_is_said_and_nothing_is_written(tmp_path: Path) -> None:
    with pytest.raises(KnownError, match="does not exist"):
        write_pdf(Printed("A note", "<p>Hello</p>"), tmp_path / "nowhere" / "note.pdf")
    assert list(tmp_path.iterdir()) == []


def _printer(path: Path, size: Size, margins_mm: float) -> QPrinter:
    """A printer as the print dialog hands it over, printing to a file."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setPageLayout(
        QPageLayout(
            QPageSize(size),
            QPageLayout.Orientation.Portrait,
            QMarginsF(margins_mm, margins_mm, margins_mm, margins_mm),
            QPageLayout.Unit.Millimeter,
        )
    )
    return printer


@pytest.mark.usefixtures("qapp")
def test_the_documents_print_on_the_dialogs_printer(treated: Treated, tmp_path: Path) -> None:
    history, aftercare, consent = (tmp_path / f"{n}.pdf" for n in ("h", "a", "c"))
    # A printer that allows thin margins, then a wide one.
    print_history(treated.db, treated.helene.patient, _printer(history, Size.Letter, 3))
    print_aftercare(treated.db, treated.session_ids[0], _printer(aftercare, Size.A4, 20))
    print_consent(
        treated.db, treated.helene.patient, ConsentKind.TREATMENT, _printer(consent, Size.A4, 5)
    )
    assert set(page_sizes(history)) == {LETTER}
    assert "CAF-24-117" in pdf_text(history)
    assert "Page 1 of" in pdf_text(aftercare)
    assert "Consent to mesotherapy treatment" in pdf_text(consent)


@pytest.mark.usefixtures("qapp")
def test_text_keeps_clear_of_the_edge_on_any_printer(tmp_path: Path) -> None:
    wide = "W" * 400  # one word wider than the page: Qt wraps it at the text width
    out = tmp_path / "edge.pdf"
    writer = QPdfWriter(str(out))
    writer.setPageLayout(
        QPageLayout(
            QPageSize(Size.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
            QPageLayout.Unit.Millimeter,
        )
    )
    document, body = lay_out(Printed("Edge", f"<p>{wide}</p>"), writer)
    millimetre = writer.logicalDpiX() / 25.4
    assert body.left() >= 15 * millimetre
    assert writer.width() - body.right() >= 15 * millimetre
    assert document.size().width() <= body.width() + 1


def test_volumes_are_written_as_practitioners_write_them() -> None:
    assert words.millilitres(2) == "2.0 mL"
    assert words.millilitres(0.25) == "0.25 mL"
    assert words.millilitres(0.8) == "0.8 mL"
    assert words.millilitres(None) == words.DASH


def test_plots_follow_the_outcomes_not_their_parts(db: Database) -> None:
    metrics = {m.code: m for m in catalogue.metrics(db)}

    def key(code: str, count: int = 3, site: str = "") -> SeriesKey:
        return SeriesKey(metrics[code], site, count)

    keys = [
        key("circumference", site="left thigh"),
        key("circumference", site="right thigh"),
        key("css_a"), key("css_total"), key("height"), key("weight"), key("bmi"),
        key("gais", count=1), key("satisfaction"),
    ]  # fmt: skip
    groups = plotted_metrics(keys)
    codes = [[k.metric.code for k in group] for group in groups]
    assert codes == [["circumference", "circumference", "css_total", "weight"], ["satisfaction"]]
    assert plotted_metrics([key("css_a"), key("css_b")]) != []  # items alone are plotted


@pytest.mark.usefixtures("qapp")
def test_a_heading_is_never_left_alone_at_the_foot_of_a_page(tmp_path: Path) -> None:
    writer = QPdfWriter(str(tmp_path / "unused.pdf"))
    margins = QMarginsF(16, 12, 16, 12)
    portrait = QPageLayout.Orientation.Portrait
    writer.setPageLayout(QPageLayout(QPageSize(Size.A4), portrait, margins))
    millimetre = writer.logicalDpiY() / 25.4
    tops = []
    # Some number of lines before the heading puts it in the last 3 cm of the page.
    for lines in range(20, 80, 3):
        body = "<p>line</p>" * lines + "<h2>Side effects</h2><p>None recorded.</p>"
        document, page = lay_out(Printed("Heading", body), writer)
        heading = document.lastBlock().previous()
        assert heading.text() == "Side effects"
        top = document.documentLayout().blockBoundingRect(heading).top() % page.height()
        tops.append(top)
        assert page.height() - top >= 30 * millimetre, lines
    assert min(tops) < 5 * millimetre  # some were moved to the top of the next page
