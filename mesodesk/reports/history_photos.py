"""The before/after photographs of a printed history: the pairs the practitioner chose.

Each pair prints side by side, each photo fitted in a box half the text width wide, with
its date and session under it. The pictures come from the photos folder beside the record
(a large photo from its downscaled copy); one whose file is missing is said so in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage

from mesodesk.core.attachments import photos_folder
from mesodesk.core.db import Database
from mesodesk.core.photos import display_file
from mesodesk.core.services import photo_pairs
from mesodesk.core.services.photo_pairs import PhotoPairEntry
from mesodesk.core.services.photos import PhotoEntry
from mesodesk.reports.document import esc

# Two side by side fill an A4 or Letter text width; two pairs fit on a page of either.
BOX_MM = (82.0, 85.0)
PAIRS_PER_PAGE = 2
PRINT_PX = 1200  # enough for 82 mm at about 370 dpi; the PDF stays small


@dataclass(frozen=True, slots=True)
class PhotoSection:
    """The section's HTML and the pictures its ``<img>`` tags name."""

    html: str = ""
    images: dict[str, QImage] = field(default_factory=dict)


def _printable(db: Database, photo: PhotoEntry) -> QImage | None:
    path = display_file(photos_folder(db.path), photo.sha256, photo.width, photo.height)
    image = QImage(str(path)) if path is not None else QImage()
    if image.isNull():
        return None
    image = image.scaled(
        QSize(PRINT_PX, PRINT_PX),
        Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )
    # Dots per metre that make the picture fill its box: the wider way decides.
    per_mm = max(image.width() / BOX_MM[0], image.height() / BOX_MM[1])
    image.setDotsPerMeterX(round(per_mm * 1000))
    image.setDotsPerMeterY(round(per_mm * 1000))
    return image


def _picture(name: str, image: QImage | None) -> str:
    if image is None:
        return "<p class='warning'>The photo file is missing from the photos folder.</p>"
    return f"<img src='{esc(name)}'>"


def _caption(word: str, photo: PhotoEntry) -> str:
    return f"<b>{esc(word)}</b>: {esc(photo.caption)}<br>{esc(photo.view_words)}"


def _pair(
    pair: PhotoPairEntry, pictures: list[tuple[str, QImage | None]], *, new_page: bool
) -> str:
    """One pair: the area's name, both photos bottom-aligned, and their captions.

    Qt's rich text cannot keep a title with the table below it, so the pairs go two to a
    page (they fit on A4 and Letter alike), each page starting with a new pair.
    """
    cells = "".join(
        f"<td width='50%' align='center' valign='bottom'>{_picture(n, i)}</td>" for n, i in pictures
    )
    captions = "".join(
        f"<td align='center' class='small'>{_caption(word, photo)}</td>"
        for word, photo in (("Before", pair.before), ("After", pair.after))
    )
    breaking = " style='page-break-before: always'" if new_page else ""
    return (
        f"<p class='lead'{breaking}><b>{esc(pair.after.area)}</b></p>"
        "<table class='plain' width='100%' cellspacing='4'>"
        f"<tr>{cells}</tr><tr>{captions}</tr></table>"
    )


def photo_section(db: Database, patient_id: int) -> PhotoSection:
    """The chosen before/after pairs, on a page of their own, or nothing when none is chosen."""
    pairs: list[PhotoPairEntry] = photo_pairs.pdf_pairs(db, patient_id)
    if not pairs:
        return PhotoSection()
    images: dict[str, QImage] = {}
    # A new page: a heading left at the foot of the previous one would stand alone.
    parts = ["<h2 style='page-break-before: always'>Photographs, before and after</h2>"]
    for index, pair in enumerate(pairs):
        pictures: list[tuple[str, QImage | None]] = []
        for word, photo in (("before", pair.before), ("after", pair.after)):
            name = f"mesodesk-photo:pair-{pair.id}-{word}"
            image = _printable(db, photo)
            if image is not None:
                images[name] = image
            pictures.append((name, image))
        new_page = index > 0 and index % PAIRS_PER_PAGE == 0
        parts.append(_pair(pair, pictures, new_page=new_page))
    return PhotoSection("".join(parts), images)
