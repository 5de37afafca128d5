"""Background jobs: progress reaches the dialog, Cancel stops the work, errors are said."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from mesodesk.core.errors import KnownError
from mesodesk.core.exchange.progress import Progress
from mesodesk.ui.exchange.jobs import Job


def _parent(qtbot: QtBot) -> QWidget:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    return parent


def test_the_work_runs_off_the_gui_thread_and_its_result_arrives(qtbot: QtBot) -> None:
    threads: list[threading.Thread] = []

    def work(progress: Progress) -> str:
        threads.append(threading.current_thread())
        for done in range(0, 101, 25):
            progress(done, 100)
        return "written"

    parent = _parent(qtbot)
    job = Job(parent, "Exporting", "Writing…", work)
    shown: list[tuple[int, int]] = []
    job.worker.progressed.connect(
        lambda *_: shown.append((job.dialog.value(), job.dialog.maximum()))
    )
    with qtbot.waitSignal(job.finished) as finished:
        job.start()
    assert finished.args == ["written"]
    assert threads and threads[0] is not threading.main_thread()
    assert shown == [(0, 100), (25, 100), (50, 100), (75, 100), (100, 100)]
    assert not job.dialog.isVisible()


def test_cancel_stops_the_work_at_its_next_progress_report(qtbot: QtBot) -> None:
    started, release = threading.Event(), threading.Event()
    reports: list[int] = []

    def work(progress: Progress) -> str:
        progress(1, 10)
        started.set()
        release.wait(5)
        for done in range(2, 11):
            progress(done, 10)
            reports.append(done)
        return "should not finish"

    parent = _parent(qtbot)
    job = Job(parent, "Exporting", "Writing…", work)
    finished: list[object] = []
    job.finished.connect(finished.append)
    job.start()
    assert started.wait(5)
    with qtbot.waitSignal(job.cancelled):
        job.dialog.canceled.emit()  # what the dialog's Cancel button sends
        assert job.dialog.labelText() == "Cancelling…"
        release.set()
    assert reports == []
    assert finished == []
    assert not job.is_running()


def test_an_expected_error_arrives_as_a_sentence(qtbot: QtBot) -> None:
    def work(_progress: Progress) -> None:
        raise KnownError("Cannot write in /media/usb: No space left on device.")

    parent = _parent(qtbot)
    job = Job(parent, "Exporting", "Writing…", work)
    with qtbot.waitSignal(job.failed) as failed:
        job.start()
    assert failed.args == ["Cannot write in /media/usb: No space left on device."]


def test_a_bug_does_not_take_the_window_down(qtbot: QtBot) -> None:
    def work(_progress: Progress) -> None:
        raise ZeroDivisionError("division by zero")

    parent = _parent(qtbot)
    job = Job(parent, "Exporting", "Writing…", work)
    with qtbot.waitSignal(job.failed) as failed:
        job.start()
    assert failed.args[0].startswith("An unexpected error stopped it")
