"""Window tests start on a clean screen: whatever a test left showing is hidden after it.

A message box left open by one test (modal to its window) would otherwise take the next
test's key presses.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication


@pytest.fixture(autouse=True)
def _hide_leftover_windows(qapp: QApplication) -> Iterator[None]:
    yield
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible():
            widget.hide()  # not close(): a form with changes would ask and wait
    QApplication.processEvents()
