"""A child process for the memory figure: open a record as the window does, show one
patient, and print the resident set size.

``python -m benchmarks.memory_probe DATABASE PATIENT_ID`` prints one line,
``mesodesk-rss rss=MB peak=MB``. It goes through the window's own start-up functions
(lock, open, prepare, the main window) and opens the patient as a click would, but
skips the automatic backup, which is not memory the window keeps.
"""

from __future__ import annotations

import sys
from pathlib import Path


def _status_mb(field: str) -> float:
    """A memory line of /proc/self/status (Linux), in MB."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024 / 1e6
    raise RuntimeError(f"no {field} in /proc/self/status")


def main(argv: list[str]) -> int:
    from PySide6.QtWidgets import QApplication

    from mesodesk.ui.app import Workspace, make_application, open_record, prepare_record

    database_path, patient_id = Path(argv[0]), int(argv[1])
    make_application()
    database, lock, path = open_record(database_path, demo=False)
    try:
        if not prepare_record(database):
            raise RuntimeError("the record has no practitioner")
        workspace = Workspace(database, lock, path)
        workspace.window.show()
        QApplication.processEvents()
        workspace.window.open_patient(patient_id)
        for _ in range(3):
            QApplication.processEvents()
        print(f"mesodesk-rss rss={_status_mb('VmRSS'):.1f} peak={_status_mb('VmHWM'):.1f}")
        workspace.window.close()
    finally:
        database.close()
        lock.release()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
