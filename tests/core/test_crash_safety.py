"""A crash in the middle of a save: what was committed is there, the file is whole."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mesodesk.core.db import open_database
from mesodesk.core.db.health import check_database

WRITER = textwrap.dedent(
    """
    import datetime as dt, sys
    from mesodesk.core.db import open_database
    from mesodesk.core.models import Patient
    db = open_database(sys.argv[1])
    for batch in range(1000):
        with db.write() as session:
            print(f"begin {batch}", flush=True)
            for i in range(200):
                number = f"{batch:04d}-{i:04d}"
                session.add(Patient(file_number=number, family_name="Crash", given_names="Test",
                                    date_of_birth=dt.date(1980, 1, 1), family_key="crash",
                                    given_key="test"))
            session.flush()
        print(f"committed {batch}", flush=True)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_kill_during_a_transaction_loses_only_that_transaction(db_path: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db_path)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert child.stdout is not None
    committed = -1
    for line in child.stdout:
        word, number = line.split()
        if word == "committed":
            committed = int(number)
        elif word == "begin" and int(number) == 5:
            os.kill(child.pid, signal.SIGKILL)  # inside batch 5's transaction
            break
    child.wait(timeout=30)
    assert committed == 4
    report = check_database(db_path)
    assert report.ok, report.lines()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        count = conn.execute("SELECT count(*) FROM patient WHERE family_name='Crash'").fetchone()
    assert count[0] == 5 * 200
    open_database(db_path).close()  # and it opens as usual afterwards


HOSTILE = [
    "Robert'); DROP TABLE patient;--",
    "<b>bold</b> & <script>alert(1)</script>",
    '=HYPERLINK("http://x")',
    "+33 6 12",
    "@SUM(A1)",
    "\u202eevil\u202c right-to-left",
    "é" * 10_000,
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_is_stored_and_read_back_exactly(db_path: Path, text: str) -> None:
    import datetime as dt

    from mesodesk.core.services import patients

    db = open_database(db_path)
    try:
        pid = patients.create_patient(
            db,
            patients.PatientData(
                "H-1",
                "Dubois",
                "Hélène",
                dt.date(1984, 5, 12),
                notes=text[:5000],
                address=text[:500],
            ),
        )
        stored = patients.patient_data(db, pid)
        assert stored.notes == text[:5000].strip()
        assert stored.address == text[:500].strip()
    finally:
        db.close()


def test_a_nul_character_is_refused_with_a_clear_message(db_path: Path) -> None:
    import datetime as dt

    from mesodesk.core.errors import ValidationError
    from mesodesk.core.services import patients

    db = open_database(db_path)
    try:
        with pytest.raises(ValidationError, match="Notes: contains control characters"):
            patients.create_patient(
                db,
                patients.PatientData(
                    "H-1", "Dubois", "Hélène", dt.date(1984, 5, 12), notes="a\x00b"
                ),
            )
    finally:
        db.close()
