"""Starting the window: application names, the single-instance lock, opening the record."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QLockFile, QStandardPaths
from PySide6.QtWidgets import QApplication, QMessageBox

from mesodesk import __version__
from mesodesk.core.db import Database, open_database
from mesodesk.core.errors import KnownError

ORGANISATION = "mesodesk"
APPLICATION = "mesodesk"
DATABASE_NAME = "mesodesk.sqlite"


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication, named before anything asks QStandardPaths (PITFALLS.md)."""
    QApplication.setOrganizationName(ORGANISATION)
    QApplication.setApplicationName(APPLICATION)
    QApplication.setApplicationVersion(__version__)
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    return QApplication(argv if argv is not None else sys.argv[:1])


def data_folder() -> Path:
    """The practitioner's application data folder (created if missing)."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    folder = Path(location)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def default_database_path() -> Path:
    return data_folder() / DATABASE_NAME


class InstanceLock:
    """One mesodesk per database file. Keep the object alive as long as the app runs:
    Qt releases the lock when it is garbage-collected (PITFALLS.md)."""

    def __init__(self, db_path: Path) -> None:
        self._lock = QLockFile(str(db_path.with_name(db_path.name + ".lock")))
        self._lock.setStaleLockTime(0)

    def acquire(self) -> bool:
        return self._lock.tryLock(100)

    def release(self) -> None:
        self._lock.unlock()


def _show_error(title: str, text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Critical, title, text)
    box.exec()


def open_record(db_path: Path | None, demo: bool) -> tuple[Database, InstanceLock, Path]:
    """Lock, then open (creating on first start) the database; raise KnownError if not."""
    if demo:
        from mesodesk.core.demo import generate_demo

        folder = Path(tempfile.mkdtemp(prefix="mesodesk-demo-"))
        db_path = folder / "demo.sqlite"
        generate_demo(db_path, patients=60, seed=1)
    path = db_path or default_database_path()
    lock = InstanceLock(path)
    if not lock.acquire():
        raise KnownError(
            f"mesodesk is already open on {path}. Switch to that window; only one may edit "
            "the record at a time."
        )
    try:
        database = open_database(path, create=db_path is None or demo)
    except Exception:
        lock.release()
        raise
    return database, lock, path


def run_app(db_path: Path | None = None, demo: bool = False) -> int:
    """Open the window on the practitioner's database; return the exit code."""
    app = make_application()
    try:
        database, lock, path = open_record(db_path, demo)
    except KnownError as exc:
        _show_error("mesodesk cannot open the record", str(exc))
        return 1
    from mesodesk.ui.main_window import MainWindow

    window = MainWindow(database, path)
    window.show()
    code = app.exec()
    database.close()
    lock.release()
    return code
