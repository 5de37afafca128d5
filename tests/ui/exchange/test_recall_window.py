"""A lot recall from the window: type the number, see whom to call, save the list."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from mesodesk.core.db import Database
from mesodesk.core.services import sessions
from mesodesk.ui.exchange import paths
from mesodesk.ui.exchange.recall_window import RecallWindow
from tests.scenario import Helene, make_helene


@pytest.fixture
def helene(db: Database) -> Helene:
    built = make_helene(db)
    sessions.record_session(db, built.session())
    sessions.record_session(db, built.session(dt.datetime(2026, 9, 15, 10, 30)))
    return built


def _window(qtbot: QtBot, db: Database) -> RecallWindow:
    window = RecallWindow(db)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_typing_a_lot_lists_the_sessions_and_whom_to_call(
    qtbot: QtBot, db: Database, helene: Helene
) -> None:
    window = _window(qtbot, db)
    qtbot.keyClicks(window.lot, "lc-2409-a")
    qtbot.keyClick(window.lot, Qt.Key.Key_Return)
    assert window.table.rowCount() == 2
    row = [window.table.item(0, c).text() for c in range(window.table.columnCount())]
    assert row[:5] == ["15 Sep 2026", "2026-0142", "Hélène Dubois", "06 12 34 56 78", ""]
    assert row[5:9] == ["L-carnitine 20%", "LC-2409-A", "15 Dec 2026", "2 mL"]
    assert row[9] == (
        "Outer thigh (saddlebags) (left); Outer thigh (saddlebags) (right); Buttock (both)"
    )
    assert window.summary.text() == "Lot LC-2409-A: 2 sessions, 1 patient to contact."
    assert window.export_button.isEnabled()


def test_a_lot_never_used_and_a_lot_unknown_are_told_apart(
    qtbot: QtBot, db: Database, helene: Helene
) -> None:
    window = _window(qtbot, db)
    qtbot.keyClicks(window.lot, "SO-5521")
    qtbot.mouseClick(window.find_button, Qt.MouseButton.LeftButton)
    assert (
        window.summary.text()
        == "Lot SO-5521 (Silicium organique 0.5%) was not used in any session."
    )
    window.lot.clear()
    qtbot.keyClicks(window.lot, "XX-1")
    qtbot.mouseClick(window.find_button, Qt.MouseButton.LeftButton)
    assert window.summary.text() == "There is no lot XX-1 in the catalogue."
    assert window.table.rowCount() == 0
    assert not window.export_button.isEnabled()


def test_the_list_is_saved_as_csv(
    qtbot: QtBot,
    db: Database,
    helene: Helene,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "recall.csv"
    monkeypatch.setattr(paths, "choose_save_path", lambda *_args: out)
    window = _window(qtbot, db)
    qtbot.keyClicks(window.lot, "CAF-24-117")
    qtbot.keyClick(window.lot, Qt.Key.Key_Return)
    qtbot.mouseClick(window.export_button, Qt.MouseButton.LeftButton)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == 3
    assert any("Dubois" in cell for cell in rows[1])


def test_double_clicking_a_row_opens_the_patient(
    qtbot: QtBot, db: Database, helene: Helene
) -> None:
    window = RecallWindow(db, "CAF-24-117")
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.patient_requested) as opened:
        window.table.selectRow(0)
        window.table.doubleClicked.emit(window.table.model().index(0, 0))
    assert opened.args == [helene.patient]
