"""Encryption from the window: File › Encrypt this database…, the password asked at
start for an encrypted record, changing its password, restoring its backups."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from mesodesk.core import backups, security
from mesodesk.core.db import encryption, open_database
from mesodesk.core.db.cipher import SQLITE_HEADER, WRONG_PASSWORD, is_plain
from mesodesk.core.enums import Sex
from mesodesk.core.errors import DatabaseBusyError, StorageError
from mesodesk.core.services import patients, practice
from mesodesk.ui import app, messages
from mesodesk.ui.encryption_dialog import EncryptionDialog
from mesodesk.ui.lock import PasswordDialog, RecordPasswordDialog
from mesodesk.ui.practitioner import apply_actor

PASSWORD = "correct horse battery"
TIMEOUT_MS = 60_000  # key derivations are slow on purpose, and CI machines are shared


def _seed(path: Path, password: str | None = None) -> None:
    """A practitioner, Mme Dubois, and (if given) the practitioner's password."""
    database = open_database(path, load_catalogues=False)
    try:
        practice.add_practitioner(database, practice.PractitionerData("Claire Moreau", "Dr"))
        patients.create_patient(
            database,
            patients.PatientData("2026-0001", "Dubois", "Hélène", dt.date(1984, 5, 12), Sex.FEMALE),
        )
        if password is not None:
            security.set_password(database, password)
    finally:
        database.close()


@pytest.fixture(scope="module")
def encrypted_template(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("encrypted") / "record.sqlite"
    shutil.copyfile(template_db, path)
    _seed(path, PASSWORD)
    encryption.encrypt_database(path, PASSWORD)
    return path


@pytest.fixture
def encrypted(encrypted_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "encrypted" / "record.sqlite"
    path.parent.mkdir()
    shutil.copyfile(encrypted_template, path)
    return path


@pytest.fixture
def workspace(qtbot: QtBot, db_path: Path) -> Iterator[app.Workspace]:
    """The window on a plain record (no password yet) that has one plain backup."""
    _seed(db_path)
    backups.make_backup(db_path, backups.default_folder(db_path))
    database, lock, path = app.open_record(db_path, demo=False)
    assert app.prepare_record(database)
    opened = app.Workspace(database, lock, path)
    qtbot.addWidget(opened.window)
    yield opened
    opened.close()


def _dialog(qtbot: QtBot, workspace: app.Workspace) -> EncryptionDialog:
    dialog = workspace.window.open_encryption()
    assert isinstance(dialog, EncryptionDialog)
    qtbot.addWidget(dialog)
    return dialog


# --- File › Encrypt this database… ----------------------------------------------------
def test_encrypting_from_the_window_asks_the_password_twice(
    qtbot: QtBot, workspace: app.Workspace
) -> None:
    path = workspace.path
    [old_backup] = backups.list_backups(backups.default_folder(path))
    dialog = _dialog(qtbot, workspace)
    assert dialog.isModal() and dialog.repeat.isVisible()
    assert dialog.remove_plain.isVisible() and "1 unencrypted copy" in dialog.remove_plain.text()

    qtbot.keyClicks(dialog.password, "correct horse battery")
    qtbot.keyClicks(dialog.repeat, "correct horse batterx")
    qtbot.mouseClick(dialog.encrypt_button, Qt.MouseButton.LeftButton)
    assert "does not match" in dialog.error_line.text()
    assert not security.has_password(workspace.database) and is_plain(path)

    dialog.repeat.setText("correct horse battery")
    qtbot.mouseClick(dialog.encrypt_button, Qt.MouseButton.LeftButton)
    assert dialog.busy.isVisible() and not dialog.close_button.isEnabled()
    assert not workspace.window.idle.timer.isActive()  # no idle lock while the file is swapped
    with pytest.raises(DatabaseBusyError):
        patients.search_patients(workspace.database, "hel")
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Done"), timeout=TIMEOUT_MS)
    assert not dialog.busy.isVisible() and dialog.close_button.text() == "Close"
    assert workspace.window.idle.timer.isActive()
    assert "1 unencrypted copy: overwritten and removed" in dialog.status.text()

    assert workspace.database.encrypted  # the window goes on, on the encrypted file
    assert not path.read_bytes().startswith(SQLITE_HEADER)
    assert b"Dubois" not in path.read_bytes()
    assert security.check_password(workspace.database, PASSWORD)  # the lock's password too
    assert [p.family_name for p in patients.search_patients(workspace.database, "hel")] == [
        "Dubois"
    ]
    assert not old_backup.path.exists()
    [new_backup] = backups.list_backups(backups.default_folder(path))
    assert new_backup.encrypted and new_backup.counts(PASSWORD) == (1, 0)
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_with_a_password_set_only_that_password_encrypts(
    qtbot: QtBot, workspace: app.Workspace
) -> None:
    security.set_password(workspace.database, PASSWORD)
    dialog = _dialog(qtbot, workspace)
    assert not dialog.repeat.isVisible()
    dialog.remove_plain.setChecked(False)  # keep the old backup
    qtbot.keyClicks(dialog.password, "some other words")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert "not your current password" in dialog.error_line.text()
    assert is_plain(workspace.path)

    dialog.password.clear()
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.mouseClick(dialog.encrypt_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Done"), timeout=TIMEOUT_MS)
    assert "1 unencrypted copy left" in dialog.status.text()
    assert encryption.is_encrypted(workspace.path, PASSWORD)
    assert not workspace.window.locked


def test_a_failed_conversion_says_so_and_the_record_goes_on_plain(
    qtbot: QtBot, workspace: app.Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(path: Path, key: str) -> encryption.EncryptionReport:
        raise StorageError("The encrypted copy could not be written (disk full).")

    monkeypatch.setattr(encryption, "encrypt_database", full_disk)
    dialog = _dialog(qtbot, workspace)
    dialog.password.setText(PASSWORD)
    dialog.repeat.setText(PASSWORD)
    qtbot.mouseClick(dialog.encrypt_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Nothing was changed" in dialog.status.text(), timeout=TIMEOUT_MS)
    assert "disk full" in dialog.error_line.text()
    assert dialog.encrypt_button.isEnabled()
    assert not workspace.database.encrypted
    assert patients.search_patients(workspace.database, "dubois")  # resumed, plain


def test_an_encrypted_record_is_not_encrypted_again(qtbot: QtBot, encrypted: Path) -> None:
    database = open_database(encrypted, key=PASSWORD, load_catalogues=False)
    try:
        dialog = EncryptionDialog(database)
        qtbot.addWidget(dialog)
        assert "already encrypted" in dialog.status.text()
        assert not dialog.encrypt_button.isEnabled()
    finally:
        database.close()


# --- the password at start ------------------------------------------------------------
def test_the_password_prompt_opens_only_with_the_right_password(
    qtbot: QtBot, encrypted: Path
) -> None:
    dialog = RecordPasswordDialog(encrypted)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.prompt.password, "not the password")
    qtbot.keyClick(dialog.prompt.password, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.prompt.message.text() == WRONG_PASSWORD
    dialog.prompt.password.clear()
    qtbot.keyClicks(dialog.prompt.password, PASSWORD)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.prompt.unlock_button, Qt.MouseButton.LeftButton)
    assert dialog.password == PASSWORD


def _answer_prompt(qtbot: QtBot, *passwords: str) -> None:
    """Type each password into the start-up prompt once it shows (it blocks in exec)."""

    def answer() -> None:
        prompts = [w for w in QApplication.topLevelWidgets() if isinstance(w, RecordPasswordDialog)]
        visible = [p for p in prompts if p.isVisible()]
        if not visible:
            QTimer.singleShot(20, answer)
            return
        prompt = visible[0]
        for password in passwords:
            prompt.prompt.password.clear()
            qtbot.keyClicks(prompt.prompt.password, password)
            qtbot.mouseClick(prompt.prompt.unlock_button, Qt.MouseButton.LeftButton)
        if prompt.isVisible():
            qtbot.mouseClick(prompt.quit_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, answer)


def test_opening_an_encrypted_record_asks_its_password(
    qtbot: QtBot, workspace: app.Workspace, encrypted: Path
) -> None:
    _answer_prompt(qtbot, "not the password", PASSWORD)
    assert workspace.switch_to(encrypted)
    qtbot.addWidget(workspace.window)
    assert workspace.database.encrypted and workspace.path == encrypted
    assert not workspace.window.locked  # the password was just given: no second ask
    assert patients.search_patients(workspace.database, "dubois")
    workspace.window.lock()
    assert workspace.window.locked  # the idle lock takes the same password
    workspace.window.lock_screen.password.setText(PASSWORD)
    workspace.window.lock_screen.try_unlock()
    assert not workspace.window.locked


def test_cancelling_the_prompt_keeps_the_current_record(
    qtbot: QtBot, workspace: app.Workspace, encrypted: Path
) -> None:
    before = encrypted.read_bytes()
    _answer_prompt(qtbot, "not the password")
    assert not workspace.switch_to(encrypted)
    assert workspace.path != encrypted and not workspace.database.encrypted
    assert encrypted.read_bytes() == before


def test_start_up_without_the_password_opens_nothing(
    qapp: QApplication, encrypted: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[Path] = []

    def cancel(path: Path, what: str = "") -> None:
        asked.append(path)

    monkeypatch.setattr(app, "ask_password", cancel)
    monkeypatch.setattr(app, "report_startup_error", lambda title, text: pytest.fail(text))
    before = encrypted.read_bytes()
    assert app.run_app(encrypted) == 0
    assert asked == [encrypted]
    assert encrypted.read_bytes() == before
    assert not list(encrypted.parent.glob("backups/*"))


# --- its password, its backups ----------------------------------------------------------
def test_changing_the_password_in_the_window_rekeys(qtbot: QtBot, encrypted: Path) -> None:
    database = open_database(encrypted, key=PASSWORD, load_catalogues=False)
    try:
        dialog = PasswordDialog(database)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.keyClicks(dialog.current, PASSWORD)
        qtbot.keyClicks(dialog.new, "a brand new password")
        qtbot.keyClicks(dialog.repeat, "a brand new password")
        with qtbot.waitSignal(dialog.saved):
            qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert database.key == "a brand new password"
        assert security.check_password(database, "a brand new password")
    finally:
        database.close()
    assert encryption.is_encrypted(encrypted, "a brand new password")
    assert not encryption.is_encrypted(encrypted, PASSWORD)


def test_a_backup_with_an_earlier_password_restores_with_it(
    qtbot: QtBot, encrypted: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = backups.default_folder(encrypted)
    older = backups.make_backup(encrypted, folder, key=PASSWORD).path
    database = open_database(encrypted, key=PASSWORD, load_catalogues=False)
    encryption.change_password(database, "a brand new password", PASSWORD)
    database.close()
    database, lock, path = app.open_record(encrypted, False, key="a brand new password")
    apply_actor(database)
    workspace = app.Workspace(database, lock, path)
    qtbot.addWidget(workspace.window)
    asked: list[str] = []

    def earlier(path: Path, what: str = "") -> str:
        asked.append(what)
        return PASSWORD

    monkeypatch.setattr(app, "ask_password", earlier)
    shown: list[str] = []
    monkeypatch.setattr(messages, "show_info", lambda parent, title, text: shown.append(text))
    try:
        assert workspace.restore(older)
        qtbot.addWidget(workspace.window)
        assert asked and "another password" in asked[0]
        assert workspace.database.key == PASSWORD
        assert security.check_password(workspace.database, PASSWORD)  # lock and key agree
        assert shown and "back as it was" in shown[0]
    finally:
        workspace.close()
    assert all(b.encrypted for b in backups.list_backups(folder))
