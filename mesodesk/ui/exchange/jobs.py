"""Long exports and imports off the GUI thread, with a progress dialog that can cancel.

The work is a function of one argument, the progress function of
:mod:`mesodesk.core.exchange.progress`. It runs on a :class:`QThread`; progress reaches the
dialog through a queued signal, and Cancel sets a flag that the next progress call turns
into :class:`~mesodesk.core.exchange.progress.Cancelled`, so the writer stops and its
temporary file goes. The window stays responsive throughout.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from mesodesk.core.errors import MesodeskError
from mesodesk.core.exchange.progress import Cancelled, Progress

log = logging.getLogger(__name__)

Work = Callable[[Progress], object]
SHOW_AFTER_MS = 300  # quick jobs finish without a dialog flashing up


class _Thread(QThread):
    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)
    was_cancelled = Signal()

    def __init__(self, work: Work, cancel: threading.Event, parent: QObject) -> None:
        super().__init__(parent)
        self._work = work
        self._cancel = cancel

    def _progress(self, done: int, total: int) -> None:
        if self._cancel.is_set():
            raise Cancelled
        self.progressed.emit(done, total)

    def run(self) -> None:
        try:
            result = self._work(self._progress)
        except Cancelled:
            self.was_cancelled.emit()
        except MesodeskError as error:
            self.failed.emit(error.message)
        except Exception as error:  # a bug: say it, log it, keep the window alive
            log.exception("a background job failed")
            self.failed.emit(f"An unexpected error stopped it: {error}")
        else:
            self.succeeded.emit(result)


class Job(QObject):
    """One background job and its progress dialog. Keep a reference until ``done``.

    ``finished`` carries the work's result; ``failed`` a sentence for the practitioner;
    ``cancelled`` says nothing was written. ``done`` follows each of them.
    """

    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    done = Signal()

    def __init__(self, parent: QWidget, title: str, label: str, work: Work) -> None:
        super().__init__(parent)
        self._cancel = threading.Event()
        self.dialog = QProgressDialog(label, "Cancel", 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(SHOW_AFTER_MS)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.setMinimumWidth(420)
        self.dialog.canceled.connect(self.cancel)
        self.worker = _Thread(work, self._cancel, self)
        self.worker.progressed.connect(self._on_progress)
        self.worker.succeeded.connect(self._on_succeeded)
        self.worker.failed.connect(self._on_failed)
        self.worker.was_cancelled.connect(self._on_cancelled)

    def start(self) -> Job:
        self.dialog.setValue(0)
        self.worker.start()
        return self

    def cancel(self) -> None:
        """Ask the work to stop at its next progress report."""
        self._cancel.set()
        self.dialog.setLabelText("Cancelling…")

    def is_running(self) -> bool:
        return self.worker.isRunning()

    def _on_progress(self, done: int, total: int) -> None:
        if self._cancel.is_set():
            return
        if total > 0:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))
        else:
            self.dialog.setMaximum(0)  # busy indicator until the amount is known

    def _finish(self) -> None:
        self.worker.wait()
        self.dialog.canceled.disconnect(self.cancel)
        self.dialog.close()

    def _on_succeeded(self, result: object) -> None:
        self._finish()
        self.finished.emit(result)
        self.done.emit()

    def _on_failed(self, message: str) -> None:
        self._finish()
        self.failed.emit(message)
        self.done.emit()

    def _on_cancelled(self) -> None:
        self._finish()
        self.cancelled.emit()
        self.done.emit()
