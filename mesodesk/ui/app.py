"""Starting the window: application names, the crash log, the single-instance lock,
opening the record, first start, and switching to another record file."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QLockFile, QObject, QStandardPaths, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from mesodesk import __version__
from mesodesk.core.db import Database, open_database
from mesodesk.core.db.cipher import PasswordNeededError
from mesodesk.core.db.opening import location_warnings
from mesodesk.core.errors import DamagedDatabaseError, KnownError, MesodeskError
from mesodesk.core.services import practice
from mesodesk.ui import crash, messages
from mesodesk.ui.events import forget
from mesodesk.ui.practitioner import apply_actor

if TYPE_CHECKING:
    from mesodesk.ui.main_window import MainWindow

ORGANISATION = "mesodesk"
APPLICATION = "mesodesk"
DATABASE_NAME = "mesodesk.sqlite"
CANNOT_OPEN = "mesodesk cannot open the record"
# Set by the benchmark suite (benchmarks/startup.py) to time a cold start: when the
# main window first paints, mesodesk prints PAINTED_LINE with its CPU time and quits.
EXIT_AFTER_PAINT = "MESODESK_EXIT_AFTER_PAINT"
PAINTED_LINE = "mesodesk-painted"
DAMAGED = "The record is damaged"
CHECK_POLL_MS = 250


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


def startup_error_box(title: str, text: str) -> QMessageBox:
    """The message shown when the record cannot be opened (no window exists yet)."""
    box = QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Ok)
    box.setObjectName("startupError")
    return box


def report_startup_error(title: str, text: str) -> None:
    """Show a start-up problem and wait for OK (tests replace this)."""
    startup_error_box(title, text).exec()


def run_first_start(database: Database) -> bool:
    """Ask who works here on a record with no practitioner; False if they cancel."""
    from mesodesk.ui.first_start import FirstStartDialog

    return FirstStartDialog(database).exec() == QDialog.DialogCode.Accepted


def ask_password(path: Path, what: str = "") -> str | None:
    """Ask for an encrypted file's password until it opens it; None if they cancel
    (tests replace this). ``what`` replaces the usual explanation."""
    from mesodesk.ui.lock import RecordPasswordDialog

    dialog = RecordPasswordDialog(path, what=what)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.password


def open_record(
    db_path: Path | None, demo: bool, key: str | None = None
) -> tuple[Database, InstanceLock, Path]:
    """Lock, then open (creating on first start) the database; raise KnownError if not.

    An encrypted record needs its password as ``key`` (PasswordNeededError without it).
    """
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
        # The page-by-page check of a large record waits until the window shows
        # (Workspace._check_record); no write happens before it has passed.
        database = open_database(path, create=db_path is None or demo, key=key, check_later=True)
    except Exception:
        lock.release()
        raise
    return database, lock, path


def prepare_record(database: Database) -> bool:
    """First start if nobody works here yet, then name the current practitioner as actor."""
    if not practice.list_practitioners(database) and not run_first_start(database):
        return False
    apply_actor(database)
    return True


MIRROR_KEY = "backup/second_folder"


def mirror_folder() -> Path | None:
    """The second backup folder chosen on this computer (a USB drive), if any."""
    from PySide6.QtCore import QSettings

    value = QSettings().value(MIRROR_KEY, "")
    return Path(str(value)) if value else None


def set_mirror_folder(folder: Path | None) -> None:
    from PySide6.QtCore import QSettings

    settings = QSettings()
    if folder is None:
        settings.remove(MIRROR_KEY)
    else:
        settings.setValue(MIRROR_KEY, str(folder))


def open_record_asking(path: Path) -> tuple[Database, InstanceLock, Path] | None:
    """:func:`open_record`, asking first for the password of an encrypted record.

    None when they cancel the question.
    """
    try:
        return open_record(path, demo=False)
    except PasswordNeededError:
        key = ask_password(path)
    return None if key is None else open_record(path, demo=False, key=key)


def back_up(path: Path, key: str | None = None) -> list[str]:
    """The automatic backup (first start of the day, and on closing); returns warnings.

    The copies of an encrypted record are encrypted with its password ``key``.
    """
    from mesodesk.core.backups import automatic_backup, default_folder

    try:
        run = automatic_backup(path, default_folder(path), mirror=mirror_folder(), key=key)
    except MesodeskError as exc:
        return [f"The automatic backup failed: {exc}"]
    return run.warnings


class Workspace(QObject):
    """The open record, its lock and its window; switches to another record file."""

    def __init__(self, database: Database, lock: InstanceLock, path: Path) -> None:
        super().__init__()
        self.database, self.lock, self.path = database, lock, path
        self.window = self._make_window()

    def _make_window(self) -> MainWindow:
        from mesodesk.ui.main_window import MainWindow

        window = MainWindow(self.database, self.path)
        window.open_database_requested.connect(self.switch_to)
        window.restore_requested.connect(self.restore)
        AfterFirstPaint(window, self._check_record)
        if self.database.encrypted:
            # The password that opened an encrypted record was given just now.
            window.lock_screen.unlocked.emit()
        return window

    def _check_record(self) -> None:
        """Run the record's owed quick_check in the background; say if it finds damage."""
        database, gate = self.database, self.database.integrity
        if gate is None:
            return
        gate.start()
        timer = QTimer(self.window)
        timer.setInterval(CHECK_POLL_MS)

        def poll() -> None:
            if not gate.done:
                return
            timer.stop()
            if gate.problem is not None and self.database is database:
                self.damage_found(gate.problem)

        timer.timeout.connect(poll)
        timer.start()

    def damage_found(self, problem: str) -> None:
        """The record failed its check after the window showed: it is no longer written
        to; offer the newest good backup, as a damaged record at start-up does."""
        from mesodesk.core.backups import default_folder, list_backups

        said = f"{problem}\n\nmesodesk will not write to it: changes cannot be saved."
        found = list_backups(default_folder(self.path))
        if not found:
            messages.show_error(self.window, DAMAGED, f"{said}\n\nNo backup of it was found.")
            return
        if not messages.ask(
            self.window,
            DAMAGED,
            f"{said}\n\nRestore the newest good backup (from "
            f"{found[0].taken_at:%Y-%m-%d %H:%M})? The damaged file is kept beside it.",
            yes="Restore the backup",
            no="Keep it open",
        ):
            return
        path, key = self.path, self.database.key
        self._release()
        restored = restore_newest_good(path, key)
        self._reopen(path, key)
        if restored is None:
            messages.show_error(self.window, DAMAGED, "None of the backups could be restored.")
        else:
            messages.show_info(
                self.window, "Backup restored", f"The record is back as it was in {restored.name}."
            )

    def restore(self, backup: Path) -> bool:
        """Put ``backup`` in place of the open record (kept aside) and reopen it.

        An encrypted backup is restored with the record's password, or, when it was
        made with an earlier one, with the password asked for it.
        """
        from mesodesk.core.backups import restore_backup
        from mesodesk.core.db.backup import readonly_uri
        from mesodesk.core.db.cipher import looks_encrypted, opens_with

        key = self.database.key
        was_encrypted = self.database.encrypted
        if looks_encrypted(backup) and (key is None or not opens_with(readonly_uri(backup), key)):
            key = ask_password(
                backup,
                "This backup was made with another password (an earlier one?). "
                "Enter that password to restore it; the record then opens with it.",
            )
            if key is None:
                return False
        path = self.path
        self._release()
        try:
            aside = restore_backup(path, backup, key=key)
        except MesodeskError as exc:
            self._reopen(path, self.database.key)
            messages.show_known_error(self.window, exc)
            return False
        self._reopen(path, key)
        note = ""
        if was_encrypted and not self.database.encrypted:
            note = (
                "\n\nThis backup was not encrypted, so neither is the record now: "
                "File ▸ Encrypt this database… encrypts it again."
            )
        messages.show_info(
            self.window,
            "Backup restored",
            f"The record is back as it was in {backup.name}. The file it replaced "
            f"is kept as {aside.name}.{note}",
        )
        return True

    def _reopen(self, path: Path, key: str | None = None) -> None:
        database, lock, path = open_record(path, demo=False, key=key)
        apply_actor(database)
        old_window = self.window
        old_window.save_geometry()
        self.database, self.lock, self.path = database, lock, path
        self.window = self._make_window()
        self.window.show()
        old_window.close()
        old_window.deleteLater()

    def switch_to(self, path: Path) -> bool:
        """Open ``path`` in place of the current record; keep the current one on failure."""
        try:
            opened = open_record_asking(path)
        except MesodeskError as exc:
            messages.show_known_error(self.window, exc)
            return False
        if opened is None:
            return False
        database, lock, path = opened
        try:
            ready = prepare_record(database)
        except BaseException:
            database.close()
            lock.release()
            raise
        if not ready:
            database.close()
            lock.release()
            return False
        old_window = self.window
        old_window.save_geometry()
        self._release()
        self.database, self.lock, self.path = database, lock, path
        self.window = self._make_window()
        self.window.show()
        old_window.close()
        old_window.deleteLater()
        return True

    def _release(self) -> None:
        forget(self.database)
        self.database.close()
        self.lock.release()

    def close(self) -> None:
        self._release()
        for warning in back_up(self.path, self.database.key):
            print(f"mesodesk: {warning}", file=sys.stderr)


def run_app(db_path: Path | None = None, demo: bool = False) -> int:
    """Open the window on the practitioner's database; return the exit code."""
    app = make_application()
    handler = crash.install(data_folder())
    try:
        return _run(app, handler, db_path, demo)
    finally:
        handler.uninstall()


def restore_newest_good(path: Path, key: str | None = None) -> Path | None:
    """Put the newest backup that passes its checks in place of a damaged record.

    Returns the backup used, or None when none was good (the damaged file then stays
    as it was). The damaged file itself is kept aside, never deleted. Encrypted
    backups are read with ``key``; those it does not open are passed over.
    """
    from mesodesk.core.backups import default_folder, list_backups, restore_backup

    for backup in list_backups(default_folder(path)):
        try:
            restore_backup(path, backup.path, key=key)
        except MesodeskError:
            continue
        return backup.path
    return None


def offer_restore(path: Path, error: DamagedDatabaseError, key: str | None = None) -> bool:
    """Say the record is damaged and, if a backup exists, offer to restore the newest
    (encrypted backups with the password ``key``)."""
    from mesodesk.core.backups import default_folder, list_backups

    found = list_backups(default_folder(path))
    if not found:
        report_startup_error(CANNOT_OPEN, f"{error}\n\nNo backup of it was found.")
        return False
    newest = found[0]
    if not messages.ask(
        None,
        CANNOT_OPEN,
        f"{error}\n\nRestore the newest good backup (from "
        f"{newest.taken_at:%Y-%m-%d %H:%M})? The damaged file is kept beside it.",
        yes="Restore the backup",
        no="Quit",
    ):
        return False
    if restore_newest_good(path, key) is None:
        report_startup_error(CANNOT_OPEN, "None of the backups could be restored.")
        return False
    return True


class AfterFirstPaint(QObject):
    """Calls ``then`` once, when ``window`` has been painted for the first time.

    The call waits for the end of that paint event, so every widget of the window has
    been painted by then. Work that can wait for the window hangs on this.
    """

    def __init__(self, window: QWidget, then: Callable[[], object]) -> None:
        super().__init__(window)
        self._then = then
        self._seen = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._seen:
            self._seen = True
            QTimer.singleShot(0, self._then)
        return False


def _report_paint_and_quit() -> None:
    """The cold-start hook (:data:`EXIT_AFTER_PAINT`): say the window is painted, quit."""
    print(f"{PAINTED_LINE} cpu={time.process_time():.4f}", flush=True)
    QApplication.quit()


def _run(app: QApplication, handler: crash.CrashHandler, db_path: Path | None, demo: bool) -> int:
    key: str | None = None
    try:
        try:
            try:
                database, lock, path = open_record(db_path, demo)
            except PasswordNeededError:
                key = ask_password(db_path or default_database_path())
                if key is None:
                    return 0
                database, lock, path = open_record(db_path, demo, key)
        except DamagedDatabaseError as exc:
            damaged = db_path or default_database_path()
            if demo or not offer_restore(damaged, exc, key):
                return 1
            database, lock, path = open_record(db_path, demo, key)
    except MesodeskError as exc:
        report_startup_error(CANNOT_OPEN, str(exc))
        return 1
    except Exception:
        # No window exists yet: the crash handler's non-blocking message would vanish.
        written = handler.write_log(sys.exc_info())  # type: ignore[arg-type]
        where = f" The details were written to {handler.log_path}." if written else ""
        report_startup_error(CANNOT_OPEN, f"Something went wrong while opening the record.{where}")
        return 1
    try:
        ready = prepare_record(database)
        if ready:
            warnings = location_warnings(path) + back_up(path, database.key)
            workspace = Workspace(database, lock, path)
    except DamagedDatabaseError as exc:
        # Damage the quick check left for later, met by the window's first reads.
        database.close()
        lock.release()
        if demo or not offer_restore(path, exc, key):
            return 1
        return _run(app, handler, db_path, demo)  # the good backup is in place now
    except MesodeskError as exc:
        database.close()
        lock.release()
        report_startup_error(CANNOT_OPEN, str(exc))
        return 1
    if not ready:
        database.close()
        lock.release()
        return 0
    if os.environ.get(EXIT_AFTER_PAINT):
        AfterFirstPaint(workspace.window, _report_paint_and_quit)
    workspace.window.show()
    if warnings:
        messages.show_error(workspace.window, "Please note", "\n\n".join(warnings))
    code = app.exec()
    workspace.close()
    return code
