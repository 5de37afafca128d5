"""The recall list of a lot as a CSV file, read back with ``csv``."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from mesodesk.core.errors import KnownError
from mesodesk.core.exchange.recall_export import RECALL_COLUMNS, write_recall_csv
from mesodesk.core.services.recall import recall_lot
from tests.core.conftest import Helene
from tests.core.exchange.test_tables import HOSTILE_PHONE, Practice, record_practice


@pytest.fixture
def practice(helene: Helene) -> Practice:
    return record_practice(helene)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    made = tmp_path / "exports"
    made.mkdir()
    return made


def read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def test_every_patient_who_received_the_lot_with_how_to_reach_them(
    practice: Practice, folder: Path
) -> None:
    out = folder / "recall CAF-24-117.csv"
    write_recall_csv(recall_lot(practice.db, "CAF-24-117"), out)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = read(out)
    assert list(rows[0]) == [column.name for column in RECALL_COLUMNS]
    # Newest first; the voided session and Benali (another lot) are not called back.
    assert [(r["file_number"], r["session_date"]) for r in rows] == [
        ("2026-0666", "2026-09-20"),
        ("2026-0142", "2026-09-01"),
    ]
    dubois = rows[1]
    assert (dubois["patient_name"], dubois["phone"]) == ("Hélène Dubois", "06 12 34 56 78")
    assert (dubois["product"], dubois["lot_number"], dubois["expiry_date"]) == (
        "Cafeína 1%",
        "CAF-24-117",
        "2027-03-31",
    )
    assert (dubois["volume_ml"], dubois["session_number"], dubois["indication"]) == (
        "2.0",
        "1",
        "Cellulite",
    )
    assert dubois["areas"] == (
        "Outer thigh (saddlebags) (left); Outer thigh (saddlebags) (right); Buttock (both)"
    )
    assert dubois["session_id"] == str(practice.first)
    assert rows[0]["phone"] == "'" + HOSTILE_PHONE  # a spreadsheet would take it for a formula


def test_a_lot_nobody_received_gives_the_header_alone(practice: Practice, folder: Path) -> None:
    out = folder / "recall.csv"
    write_recall_csv(recall_lot(practice.db, "SO-5521"), out)
    header = ",".join(c.name for c in RECALL_COLUMNS)
    assert out.read_bytes().decode("utf-8-sig") == header + "\r\n"


def test_a_missing_folder_is_said_and_nothing_is_written(practice: Practice, folder: Path) -> None:
    with pytest.raises(KnownError, match="does not exist"):
        write_recall_csv(recall_lot(practice.db, "CAF-24-117"), folder / "gone" / "recall.csv")
    assert list(folder.iterdir()) == []
