"""The Qt binding itself: a version that leaks references would abort a long session."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot


def test_calling_qt_many_times_keeps_none_alive(qtbot: QtBot) -> None:
    """PySide6 6.12.0 lost one reference to None per call of a method returning nothing;
    after enough calls CPython 3.11 frees None and aborts ("none_dealloc")."""
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("a")
    assert sys.getrefcount(None) >= before - 50  # other threads may drop a few meanwhile
