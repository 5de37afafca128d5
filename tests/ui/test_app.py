"""Start-up: the crash log, one mesodesk per record, start-up errors, first start."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from mesodesk import __version__
from mesodesk.core.db import Database
from mesodesk.core.errors import KnownError
from mesodesk.core.services import practice
from mesodesk.ui import app, crash, messages
from mesodesk.ui.first_start import FirstStartDialog
from mesodesk.ui.practitioner import current_practitioner_id

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture(autouse=True)
def _never_block(monkeypatch: pytest.MonkeyPatch) -> None:
    """Questions and start-up boxes would wait forever in a test."""
    monkeypatch.setattr(messages, "ask", lambda *args, **kwargs: True)
    monkeypatch.setattr(app, "report_startup_error", lambda title, text: pytest.fail(text))


def _visible_boxes() -> list[QMessageBox]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]


def _fabricated() -> tuple[type[BaseException], BaseException, object]:
    try:
        {}["no such key"]  # a bug, on purpose
    except KeyError:
        return sys.exc_info()  # type: ignore[return-value]
    raise AssertionError


# --- the crash handler ----------------------------------------------------------------
def test_a_bug_is_logged_and_told_calmly_once(qtbot: QtBot, tmp_path: Path) -> None:
    handler = crash.CrashHandler(tmp_path)
    handler(*_fabricated())  # type: ignore[arg-type]

    log = (tmp_path / "mesodesk.log").read_text(encoding="utf-8")
    assert "Traceback" in log
    assert "KeyError: 'no such key'" in log
    assert f"mesodesk {__version__}" in log
    assert log.startswith("=== 20")  # the time it happened

    box = handler.message
    assert box is not None
    qtbot.addWidget(box)
    assert box.isVisible()
    assert box.windowTitle() == "Something went wrong"
    assert str(tmp_path / "mesodesk.log") in box.text()
    assert "Traceback" not in box.text()
    assert "KeyError" not in box.text()

    handler(*_fabricated())  # type: ignore[arg-type]
    assert handler.message is box  # one message, not a pile
    assert len(_visible_boxes()) == 1
    assert (tmp_path / "mesodesk.log").read_text(encoding="utf-8").count("Traceback") == 2


def test_install_replaces_the_excepthook_until_uninstalled(tmp_path: Path) -> None:
    before = sys.excepthook
    handler = crash.install(tmp_path)
    try:
        assert sys.excepthook is handler
    finally:
        handler.uninstall()
    assert sys.excepthook is before


def test_the_log_rotates_at_about_a_megabyte(qtbot: QtBot, tmp_path: Path) -> None:
    log = tmp_path / "mesodesk.log"
    log.write_text("x" * crash.MAX_LOG_BYTES, encoding="utf-8")
    handler = crash.CrashHandler(tmp_path)
    assert handler.write_log(_fabricated())  # type: ignore[arg-type]
    assert (tmp_path / "mesodesk.log.1").stat().st_size == crash.MAX_LOG_BYTES
    assert log.stat().st_size < 10_000


# --- one mesodesk per record ------------------------------------------------------------
def test_a_second_open_on_the_same_file_is_refused(qapp: QApplication, db_path: Path) -> None:
    database, lock, _ = app.open_record(db_path, demo=False)
    try:
        with pytest.raises(KnownError, match="already open"):
            app.open_record(db_path, demo=False)
    finally:
        database.close()
        lock.release()
    again, lock, _ = app.open_record(db_path, demo=False)  # free once released
    again.close()
    lock.release()


def test_a_second_instance_says_so_in_a_dialog_and_exits_1(
    qapp: QApplication, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        app, "report_startup_error", lambda title, text: shown.append((title, text))
    )
    database, lock, _ = app.open_record(db_path, demo=False)
    hook = sys.excepthook
    try:
        assert app.run_app(db_path) == 1
    finally:
        database.close()
        lock.release()
    assert len(shown) == 1
    assert shown[0][0] == app.CANNOT_OPEN
    assert "already open" in shown[0][1]
    assert sys.excepthook is hook  # the crash handler is taken down with the app


def test_the_startup_box_is_a_plain_critical_message(qtbot: QtBot) -> None:
    box = app.startup_error_box(app.CANNOT_OPEN, "mesodesk is already open on x.sqlite.")
    qtbot.addWidget(box)
    assert box.icon() == QMessageBox.Icon.Critical
    assert box.text() == "mesodesk is already open on x.sqlite."
    assert box.standardButtons() == QMessageBox.StandardButton.Ok


def test_a_damaged_file_is_reported_and_left_alone(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    damaged = tmp_path / "record.sqlite"
    damaged.write_bytes(b"this is not a database" * 100)
    shown: list[str] = []
    monkeypatch.setattr(app, "report_startup_error", lambda title, text: shown.append(text))
    assert app.run_app(damaged) == 1
    assert len(shown) == 1
    assert "damaged" in shown[0] or "not a mesodesk database" in shown[0]
    assert damaged.read_bytes() == b"this is not a database" * 100


# --- first start ----------------------------------------------------------------------
def test_first_start_creates_the_practitioner_and_the_clinic(qtbot: QtBot, db: Database) -> None:
    dialog = FirstStartDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.practitioner.name.hasFocus()

    qtbot.keyClicks(dialog.practitioner.name, "Claire Moreau")
    qtbot.keyClick(dialog.practitioner.name, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.focusWidget(), "Dr")
    qtbot.keyClicks(dialog.practitioner.registration, "RPPS 10101234567")
    qtbot.keyClicks(dialog.clinic.name, "Cabinet du Parc")
    qtbot.keyClicks(dialog.clinic.address, "12 avenue du Parc, 69006 Lyon")
    qtbot.keyClicks(dialog.clinic.phone, "04 78 12 34 56")
    with qtbot.waitSignal(dialog.saved) as saved:
        qtbot.keyClick(dialog.clinic.phone, Qt.Key.Key_Return)

    people = practice.list_practitioners(db)
    assert [(p.name, p.title, p.registration_number) for p in people] == [
        ("Claire Moreau", "Dr", "RPPS 10101234567")
    ]
    assert saved.args == [people[0].id]
    assert current_practitioner_id(db) == people[0].id
    assert db.actor == "Dr Claire Moreau"
    assert practice.clinic_info(db) == practice.ClinicInfo(
        "Cabinet du Parc", "12 avenue du Parc, 69006 Lyon", "04 78 12 34 56"
    )
    assert not dialog.isVisible()


def test_first_start_needs_a_name(qtbot: QtBot, db: Database) -> None:
    dialog = FirstStartDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "name" in dialog.error.text()
    assert practice.list_practitioners(db) == []


def test_a_bad_clinic_phone_does_not_add_the_practitioner_twice(qtbot: QtBot, db: Database) -> None:
    dialog = FirstStartDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.practitioner.name, "Claire Moreau")
    qtbot.keyClicks(dialog.clinic.phone, "call me maybe")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.error.isVisible()
    dialog.clinic.phone.setText("04 78 12 34 56")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert [p.name for p in practice.list_practitioners(db)] == ["Claire Moreau"]


def test_start_up_asks_first_start_only_when_nobody_works_here(
    qapp: QApplication, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[Database] = []

    def first_start(database: Database) -> bool:
        asked.append(database)
        practice.add_practitioner(database, practice.PractitionerData("Claire Moreau", "Dr"))
        return True

    monkeypatch.setattr(app, "run_first_start", first_start)
    assert app.prepare_record(db)
    assert asked == [db]
    assert db.actor == "Dr Claire Moreau"
    assert app.prepare_record(db)
    assert asked == [db]


def test_cancelling_first_start_opens_no_window(
    qapp: QApplication, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app, "run_first_start", lambda database: False)
    assert not app.prepare_record(db)


# --- switching records ------------------------------------------------------------------
def test_open_database_switches_the_window_to_the_other_record(
    qtbot: QtBot, db_path: Path, template_db: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other" / "clinic.sqlite"
    other.parent.mkdir()
    other.write_bytes(template_db.read_bytes())
    for path in (db_path, other):
        seeded = app.open_database(path)
        practice.add_practitioner(seeded, practice.PractitionerData("Claire Moreau", "Dr"))
        seeded.close()

    database, lock, path = app.open_record(db_path, demo=False)
    workspace = app.Workspace(database, lock, path)
    first = workspace.window
    qtbot.addWidget(first)
    try:
        assert workspace.switch_to(other)
        qtbot.addWidget(workspace.window)
        assert workspace.path == other
        assert workspace.window is not first
        assert workspace.window.windowTitle() == "mesodesk — clinic.sqlite"
        assert not first.isVisible()
        # The first record is free again; the second is held.
        again, again_lock, _ = app.open_record(db_path, demo=False)
        again.close()
        again_lock.release()
        with pytest.raises(KnownError):
            app.open_record(other, demo=False)
    finally:
        workspace.close()


def test_a_missing_file_keeps_the_current_record(
    qtbot: QtBot, db_path: Path, tmp_path: Path
) -> None:
    database, lock, path = app.open_record(db_path, demo=False)
    practice.add_practitioner(database, practice.PractitionerData("Claire Moreau", "Dr"))
    workspace = app.Workspace(database, lock, path)
    qtbot.addWidget(workspace.window)
    try:
        assert not workspace.switch_to(tmp_path / "nowhere.sqlite")
        assert workspace.path == db_path
        boxes = [b for b in _visible_boxes() if "no mesodesk database" in b.text()]
        assert len(boxes) == 1
        boxes[0].close()
    finally:
        workspace.close()


def test_closing_the_record_makes_the_days_backup(qtbot: QtBot, db_path: Path) -> None:
    from mesodesk.core.backups import default_folder, list_backups
    from mesodesk.ui.app import Workspace, open_record

    database, lock, path = open_record(db_path, demo=False)
    workspace = Workspace(database, lock, path)
    qtbot.addWidget(workspace.window)
    workspace.close()
    kinds = {b.kind for b in list_backups(default_folder(db_path))}
    assert kinds == {"daily", "weekly", "monthly"}


def test_a_failed_backup_is_a_warning_not_a_crash(tmp_path: Path) -> None:
    from mesodesk.ui.app import back_up

    warnings = back_up(tmp_path / "gone.sqlite")
    assert warnings and "backup" in warnings[0].lower()


def _damage(path: Path) -> bytes:
    damaged = b"this is not a database any more" * 200
    path.write_bytes(damaged)
    return damaged


def test_a_damaged_record_is_replaced_by_the_newest_good_backup(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    from mesodesk.core import backups
    from mesodesk.core.db import open_database
    from mesodesk.ui import app as app_module

    folder = backups.default_folder(db_path)
    good = backups.make_backup(db_path, folder, now=dt.datetime(2026, 11, 1, 9, 0))
    bad = folder / f"{db_path.stem}-daily-20261120-090000.sqlite"
    bad.write_bytes(b"garbage" * 500)  # newer, but damaged: skipped
    damaged = _damage(db_path)
    asked: list[str] = []
    monkeypatch.setattr(
        app_module.messages, "ask", lambda _p, _t, question, **_k: asked.append(question) or True
    )
    from mesodesk.core.errors import DamagedDatabaseError

    assert app_module.offer_restore(db_path, DamagedDatabaseError("The record is damaged."))
    assert "2026-11-20" in asked[0]  # it offers the newest, then takes the newest good one
    open_database(db_path).close()
    kept = [
        p for p in db_path.parent.iterdir() if "before-restore" in p.name and p.suffix == ".sqlite"
    ]
    assert len(kept) == 1 and kept[0].read_bytes() == damaged
    assert good.path.exists()


def test_declining_the_restore_leaves_everything_as_it_was(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mesodesk.core import backups
    from mesodesk.core.errors import DamagedDatabaseError
    from mesodesk.ui import app as app_module

    backups.make_backup(db_path, backups.default_folder(db_path))
    damaged = _damage(db_path)
    monkeypatch.setattr(app_module.messages, "ask", lambda *_a, **_k: False)
    assert not app_module.offer_restore(db_path, DamagedDatabaseError("damaged"))
    assert db_path.read_bytes() == damaged
