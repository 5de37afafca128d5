"""The last resort for bugs: log the traceback, show one calm message, keep running.

Expected problems (:class:`~mesodesk.core.errors.MesodeskError`) are shown where they
happen; whatever reaches ``sys.excepthook`` is a bug. PySide6 hands exceptions raised
in slots to ``sys.excepthook`` too, so one hook covers the whole window.
"""

from __future__ import annotations

import datetime as dt
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from mesodesk import __version__
from mesodesk.ui import messages

LOG_NAME = "mesodesk.log"
MAX_LOG_BYTES = 1_000_000
KEPT_LOGS = 3  # mesodesk.log.1 … .3

_ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


class CrashHandler:
    """Writes each unexpected exception to ``folder/mesodesk.log`` and says so once."""

    def __init__(self, folder: Path) -> None:
        self.log_path = folder / LOG_NAME
        self.message: QMessageBox | None = None
        self._previous = sys.excepthook

    def install(self) -> None:
        self._previous = sys.excepthook
        sys.excepthook = self

    def uninstall(self) -> None:
        if sys.excepthook is self:
            sys.excepthook = self._previous

    def __call__(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        written = self.write_log((exc_type, exc, tb))
        self.tell_user(written)

    def write_log(self, info: _ExcInfo) -> bool:
        """Append the traceback with the time and version; False if the disk refused."""
        stamp = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        text = "".join(traceback.format_exception(*info))
        entry = f"=== {stamp} · mesodesk {__version__} · Python {sys.version.split()[0]}\n{text}\n"
        try:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            _rotate(self.log_path)
            with self.log_path.open("a", encoding="utf-8") as stream:
                stream.write(entry)
        except OSError:
            sys.stderr.write(entry)  # the disk is gone; stderr is all that is left
            return False
        return True

    def tell_user(self, written: bool) -> None:
        """One calm message; a burst of errors does not stack a pile of boxes."""
        if QApplication.instance() is None:
            return
        if self.message is not None and self.message.isVisible():
            return
        where = (
            f"The details were written to {self.log_path}."
            if written
            else "The details could not be written to disk."
        )
        self.message = messages.show_error(
            QApplication.activeWindow(),
            "Something went wrong",
            "Something went wrong in mesodesk. What you saved before is safe; the last "
            f"action may not have finished.\n\n{where}\n\nIf it happens again, please send "
            "that file to your support contact.",
        )


def _rotate(path: Path) -> None:
    if not path.exists() or path.stat().st_size < MAX_LOG_BYTES:
        return
    for number in range(KEPT_LOGS - 1, 0, -1):
        older = path.with_name(f"{path.name}.{number}")
        if older.exists():
            older.replace(path.with_name(f"{path.name}.{number + 1}"))
    path.replace(path.with_name(f"{path.name}.1"))


def install(folder: Path) -> CrashHandler:
    """Make a handler logging to ``folder`` the process's ``sys.excepthook``."""
    handler = CrashHandler(folder)
    handler.install()
    return handler
