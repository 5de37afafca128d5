"""File › Import archive…: a practice moved from another computer becomes a new record.

The archive is checked whole before anything is written; the new record is made beside
the chosen name and put in place only when it passed its checks (see
:mod:`mesodesk.core.exchange.archive_import`). Then the practitioner may open it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QWidget

from mesodesk.core.attachments import photos_folder
from mesodesk.core.exchange.archive_import import import_archive
from mesodesk.core.exchange.progress import Progress
from mesodesk.ui import messages
from mesodesk.ui.exchange import paths
from mesodesk.ui.exchange.jobs import Job

ARCHIVE_FILTER = "mesodesk archives (*.zip);;All files (*)"
RECORD_FILTER = "mesodesk record (*.sqlite)"


def import_archive_from_window(
    parent: QWidget, open_record: Path, on_open: Callable[[Path], None]
) -> Job | None:
    """Ask for the archive and the new record's file, import, then offer to open it.

    ``open_record`` is the record the window shows: it cannot be the target.
    """
    archive = paths.choose_open_path(parent, "Import a mesodesk archive", ARCHIVE_FILTER)
    if archive is None:
        return None
    target = paths.choose_save_path(
        parent, "Save the imported record as", f"{archive.stem}.sqlite", RECORD_FILTER
    )
    if target is None:
        return None
    if target.resolve() == open_record.resolve():
        messages.show_error(
            parent,
            "Not imported",
            "That is the record open now. Choose a new file for the imported practice.",
        )
        return None

    def work(progress: Progress) -> object:
        return import_archive(archive, target, photos_dir=photos_folder(target), progress=progress)

    def finished(summary: object) -> None:
        if messages.ask(
            parent,
            "Archive imported",
            f"{archive.name} was imported into {target}.\n{summary}\n\nOpen it now?",
            yes="Open it",
            no="Not now",
        ):
            on_open(target)

    job = Job(parent, "Importing", f"Reading {archive.name}…", work)
    job.finished.connect(finished)
    job.failed.connect(lambda message: messages.show_error(parent, "Not imported", message))
    job.cancelled.connect(
        lambda: messages.show_info(parent, "Import cancelled", "Nothing was written.")
    )
    return job.start()
