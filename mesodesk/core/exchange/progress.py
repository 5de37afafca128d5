"""Progress reporting and cancelling, shared by every long export and import.

A writer calls ``progress(done, total)`` now and then; the caller's function may raise
:class:`Cancelled` to stop it. The command line passes nothing, the window passes a
function that feeds a progress dialog and raises when Cancel was pressed.
"""

from __future__ import annotations

from collections.abc import Callable

from mesodesk.core.errors import MesodeskError

Progress = Callable[[int, int], None]
"""``progress(done, total)``: ``total`` is 0 while the amount of work is not yet known."""


class Cancelled(MesodeskError):
    """The practitioner cancelled; nothing was written."""

    def __init__(self) -> None:
        super().__init__("cancelled: nothing was written")


def no_progress(_done: int, _total: int) -> None:
    """The progress function of callers that do not show progress."""


class Ticker:
    """Counts work done and calls ``progress`` at most every ``step`` units (and at the end)."""

    def __init__(self, progress: Progress | None, total: int, step: int = 500) -> None:
        self.progress = progress or no_progress
        self.total = total
        self.step = max(1, step)
        self.done = 0
        self._next = self.step
        self.progress(0, total)

    def add(self, amount: int = 1) -> None:
        self.done += amount
        if self.done >= self._next:
            self._next = self.done + self.step
            self.progress(self.done, self.total)

    def finish(self) -> None:
        self.progress(self.total or self.done, self.total or self.done)
