"""A printed document and how it reaches paper: page size, pages, running header and footer.

Each printed document (history, aftercare sheet, consent form) is HTML laid out by a
``QTextDocument``; this module paginates it onto any ``QPagedPaintDevice`` (a
``QPdfWriter`` for a file, the ``QPrinter`` of the system print dialog) with the same
header and footer on every page, "Page n of N" and the date of printing included. It uses
QtGui only (never QtWidgets), so it runs from the command line and off the GUI thread.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QLocale, QMarginsF, QPointF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)

from mesodesk.core.errors import KnownError
from mesodesk.core.exchange.files import atomic_output
from mesodesk.reports import style

PageSizeId = QPageSize.PageSizeId
PageDone = Callable[[int, int], None]
"""``page_done(page, pages)``, called after each page is painted (may raise Cancelled)."""

# Where Letter is the usual paper: the United States and its territories, Canada, Mexico,
# most of Central America, and a few countries of South America and Asia.
_C = QLocale.Country
LETTER_COUNTRIES = frozenset(
    {
        _C.UnitedStates, _C.UnitedStatesOutlyingIslands, _C.UnitedStatesVirginIslands,
        _C.PuertoRico, _C.Guam, _C.AmericanSamoa, _C.NorthernMarianaIslands,
        _C.Canada, _C.Mexico, _C.Belize, _C.Guatemala, _C.Honduras, _C.ElSalvador,
        _C.Nicaragua, _C.CostaRica, _C.Panama, _C.DominicanRepublic,
        _C.Colombia, _C.Venezuela, _C.Chile, _C.Philippines,
    }
)  # fmt: skip

# Margins of a PDF page (mm). A printer's own margins are kept when they are wider.
PDF_MARGINS_MM = QMarginsF(16, 12, 16, 12)
HEADER_MM = 8.0  # band above the text: the running header and its rule
FOOTER_MM = 10.0  # band below the text: date of printing, clinic, page number
HEADING_ROOM_MM = 30.0  # a heading needs this much page below it, or goes to the next page


def default_page_size(locale: QLocale | None = None) -> PageSizeId:
    """A4, or Letter where the locale's country prints on Letter paper."""
    country = (locale or QLocale.system()).territory()
    return PageSizeId.Letter if country in LETTER_COUNTRIES else PageSizeId.A4


def esc(value: object) -> str:
    """Text typed by someone, made safe to put in HTML: ``<b>x</b>`` prints as typed."""
    return html.escape(str(value), quote=True)


_APPLICATION: QGuiApplication | None = None


def ensure_application() -> None:
    """Make sure a Qt application exists: text layout and fonts need one.

    The window already has its QApplication; the command line gets an offscreen
    QGuiApplication, which lays out and prints text without any display.
    """
    global _APPLICATION  # noqa: PLW0603  (Qt needs the object for the life of the process)
    if QGuiApplication.instance() is None:
        _APPLICATION = QGuiApplication(["mesodesk", "-platform", "offscreen"])


@dataclass(frozen=True, slots=True)
class Printed:
    """One document ready for paper: its HTML body and what goes around every page.

    ``images`` maps the ``src`` of each ``<img>`` in ``body`` to its picture; a picture
    prints at the physical size its dots-per-metre say, shrunk to the text width if wider.
    Header and footer texts are plain text (painted, not HTML): they need no escaping.
    The running header starts on the second page, the first having the letterhead.
    """

    title: str
    body: str
    header_left: str = ""
    header_right: str = ""
    footer_centre: str = ""
    printed_on: dt.date = field(default_factory=dt.date.today)
    images: Mapping[str, QImage] = field(default_factory=dict)


def _mm(device: QPagedPaintDevice, mm: float) -> float:
    return mm * device.logicalDpiY() / 25.4


def _body_rect(device: QPagedPaintDevice) -> QRectF:
    """The text area in device pixels, inside the printable area and the header/footer bands.

    A printer may allow margins thinner than the PDF's; the text is then moved inwards so
    that it never runs to the edge of the sheet.
    """
    margins = device.pageLayout().margins(QPageLayout.Unit.Millimeter)
    left = max(0.0, PDF_MARGINS_MM.left() - margins.left())
    right = max(0.0, PDF_MARGINS_MM.right() - margins.right())
    top = max(0.0, PDF_MARGINS_MM.top() - margins.top()) + HEADER_MM
    bottom = max(0.0, PDF_MARGINS_MM.bottom() - margins.bottom()) + FOOTER_MM
    return QRectF(
        _mm(device, left),
        _mm(device, top),
        device.width() - _mm(device, left + right),
        device.height() - _mm(device, top + bottom),
    )


def _sized_images(body: str, images: Mapping[str, QImage], width_css: float) -> str:
    """Give each ``<img>`` its physical size in CSS pixels, no wider than the text.

    Written into the HTML before it is parsed: resizing the pictures afterwards would make
    Qt lay the whole document out once more.
    """
    for name, image in images.items():
        if image.isNull():
            continue
        dots_per_inch = image.dotsPerMeterX() * 0.0254 or 96.0
        width = min(width_css, image.width() / dots_per_inch * 96)
        height = width * image.height() / image.width()
        tag = f"<img src='{esc(name)}'"
        body = body.replace(tag, f"{tag} width='{width:.0f}' height='{height:.0f}'")
    return body


def lay_out(printed: Printed, device: QPagedPaintDevice) -> tuple[QTextDocument, QRectF]:
    """The document laid out in pages of the device's text area."""
    body = _body_rect(device)
    document = QTextDocument()
    document.documentLayout().setPaintDevice(device)
    document.setDefaultFont(style.body_font())
    document.setDefaultStyleSheet(style.CSS)
    document.setDocumentMargin(0)
    # The page size first: the text is then laid out once, in pages, when it is set.
    document.setPageSize(QSizeF(body.width(), body.height()))
    for name, image in printed.images.items():
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
    width_css = body.width() * 96 / device.logicalDpiX()
    document.setHtml(_sized_images(printed.body, printed.images, width_css))
    _keep_headings_with_text(document, body.height(), _mm(device, HEADING_ROOM_MM))
    return document, body


def _keep_headings_with_text(document: QTextDocument, page_height: float, room: float) -> None:
    """Start a new page before a heading that would stand alone at the foot of a page.

    Qt's rich text has no "keep with next"; a heading too close to the bottom of its
    page gets a page break before it instead. Qt lays out again only from that heading.
    """
    layout = document.documentLayout()
    block = document.begin()
    while block.isValid():
        if block.blockFormat().headingLevel():
            top = layout.blockBoundingRect(block).top()
            if top % page_height > page_height - room:
                form = block.blockFormat()
                form.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
                QTextCursor(block).setBlockFormat(form)
                # Without an event loop Qt leaves the rest laid out lazily, never finished:
                # the blocks below would print as nothing. Lay them out again from here.
                start = block.position()
                document.markContentsDirty(start, document.characterCount() - start)
        block = block.next()


def render(printed: Printed, device: QPagedPaintDevice, page_done: PageDone | None = None) -> int:
    """Paint every page of ``printed`` on ``device``; the number of pages.

    ``page_done`` may raise (a cancel): the painter is ended all the same, and the
    caller throws the half-made output away.
    """
    document, body = lay_out(printed, device)
    pages = document.pageCount()
    painter = QPainter()
    if not painter.begin(device):
        raise KnownError("The document could not be opened for printing.")
    try:
        for page in range(pages):
            if page:
                device.newPage()
            _paint_page(painter, document, body, page)
            _paint_margins(painter, device, body, printed, page, pages)
            if page_done is not None:
                page_done(page + 1, pages)
    finally:
        painter.end()
    return pages


def _paint_page(painter: QPainter, document: QTextDocument, body: QRectF, page: int) -> None:
    painter.save()
    top = page * body.height()
    painter.translate(body.left(), body.top() - top)
    context = QAbstractTextDocumentLayout.PaintContext()
    context.clip = QRectF(0, top, body.width(), body.height())
    painter.setClipRect(context.clip)
    document.documentLayout().draw(painter, context)
    painter.restore()


def _paint_margins(
    painter: QPainter,
    device: QPagedPaintDevice,
    body: QRectF,
    printed: Printed,
    page: int,
    pages: int,
) -> None:
    """The running header (patient and document) and the footer (date, clinic, page n of N)."""
    painter.save()
    font = style.margin_font()
    painter.setFont(font)
    line = QFontMetricsF(font, device).height()
    gap = _mm(device, 1.6)
    rule = QPen(QColor(style.RULE))
    rule.setWidthF(_mm(device, 0.2))
    text_colour = QColor(style.MUTED)
    flags = Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine

    if page > 0:  # the first page has the letterhead
        header = QRectF(body.left(), body.top() - gap - line - _mm(device, 2), body.width(), line)
        painter.setPen(text_colour)
        _two_sides(painter, header, printed.header_left, printed.header_right, flags)
        painter.setPen(rule)
        y = header.bottom() + gap / 2
        painter.drawLine(QPointF(body.left(), y), QPointF(body.right(), y))

    footer = QRectF(body.left(), body.bottom() + _mm(device, 3.5), body.width(), line)
    painter.setPen(rule)
    y = footer.top() - gap / 2
    painter.drawLine(QPointF(body.left(), y), QPointF(body.right(), y))
    painter.setPen(text_colour)
    printed_words = f"Printed on {printed.printed_on.isoformat()}"
    _two_sides(painter, footer, printed_words, f"Page {page + 1} of {pages}", flags)
    if printed.footer_centre:
        room = footer.adjusted(footer.width() * 0.25, 0, -footer.width() * 0.25, 0)
        centre = painter.fontMetrics().elidedText(
            printed.footer_centre, Qt.TextElideMode.ElideRight, int(room.width())
        )
        painter.drawText(room, int(flags | Qt.AlignmentFlag.AlignHCenter), centre)
    painter.restore()


def _two_sides(
    painter: QPainter, rect: QRectF, left: str, right: str, flags: Qt.AlignmentFlag
) -> None:
    """``left`` flush left and ``right`` flush right on one line; ``left`` is cut short
    (with an ellipsis) rather than overprint ``right``."""
    metrics = painter.fontMetrics()
    right_width = metrics.horizontalAdvance(right) if right else 0
    room = max(0, int(rect.width() - right_width - metrics.averageCharWidth() * 3))
    left = metrics.elidedText(left, Qt.TextElideMode.ElideRight, room)
    painter.drawText(rect, int(flags | Qt.AlignmentFlag.AlignLeft), left)
    if right:
        painter.drawText(rect, int(flags | Qt.AlignmentFlag.AlignRight), right)


def write_pdf(
    printed: Printed,
    out: Path,
    page_size: PageSizeId | None = None,
    page_done: PageDone | None = None,
) -> int:
    """Write ``printed`` as a PDF at ``out`` (all or nothing); the number of pages."""
    ensure_application()
    size = page_size if page_size is not None else default_page_size()
    with atomic_output(Path(out)) as temporary:
        writer = QPdfWriter(str(temporary))
        writer.setTitle(printed.title)
        writer.setCreator("mesodesk")
        writer.setPageLayout(
            QPageLayout(
                QPageSize(size),
                QPageLayout.Orientation.Portrait,
                PDF_MARGINS_MM,
                QPageLayout.Unit.Millimeter,
            )
        )
        # The painter's end() closes the file, also when a page fails or is cancelled,
        # before atomic_output syncs and renames it, or removes it.
        pages = render(printed, writer, page_done)
    return pages
