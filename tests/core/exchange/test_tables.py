"""The exported tables: a practice to export, what each table holds, their documentation.

``record_practice`` is the practice the CSV, XLSX and recall tests export: Mme Dubois's
first session of SCENARIOS.md §2 with her baseline and her bruise, a second session
voided, a patient whose name and phone look like formulas, and an archived patient.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from mesodesk.core.db import Database
from mesodesk.core.enums import Severity, Side
from mesodesk.core.errors import NotFoundError, ValidationError
from mesodesk.core.exchange.recall_export import RECALL_COLUMNS
from mesodesk.core.exchange.table_reading import TABLES, read_tables, selected_patients
from mesodesk.core.exchange.tables import Kind
from mesodesk.core.models import TreatedArea
from mesodesk.core.services import patients, sessions, side_effects
from mesodesk.core.services.measurements import (
    MeasurementData,
    patient_measurements,
    record_measurements,
    void_measurement,
)
from mesodesk.core.services.sessions import AreaData
from tests.core.conftest import BASELINE, Helene, add_course, add_patient, simple_session

DOC = Path(__file__).parents[3] / "docs" / "formats" / "tables.md"
HOSTILE_NAME = '=HYPERLINK("x")'
HOSTILE_PHONE = "+33 6 12 34 56 78"


@dataclass(frozen=True)
class Practice:
    helene: Helene
    first: int
    voided: int
    bruise: int
    weight: int
    hostile: int
    karim: int

    @property
    def db(self) -> Database:
        return self.helene.db


def record_practice(helene: Helene) -> Practice:
    """What the export tests read back (see the module's docstring)."""
    db, clinic = helene.db, helene.clinic
    first = sessions.record_session(db, helene.session(measurements=BASELINE)).id
    with db.read() as session:
        left_thigh = session.scalars(
            select(TreatedArea.id).where(TreatedArea.session_id == first, TreatedArea.position == 1)
        ).one()
    bruise = side_effects.add_side_effect(
        db,
        first,
        side_effects.SideEffectData(
            "bruising",
            Severity.MILD,
            dt.date(2026, 9, 2),
            area_id=left_thigh,
            suspected_lot_id=clinic.caf_lot,
            resolved_on=dt.date(2026, 9, 9),
        ),
    )
    voided = sessions.record_session(db, helene.session(dt.datetime(2026, 9, 15, 10, 30))).id
    sessions.void_session(db, voided, "Entered twice by mistake")
    weight = _measurement_of(helene, "weight")
    void_measurement(db, weight, "Scale not calibrated")

    hostile = add_patient(db, "2026-0666", HOSTILE_NAME, "@Eve", dt.date(1990, 2, 3), HOSTILE_PHONE)
    sessions.record_session(
        db,
        simple_session(
            clinic,
            add_course(db, hostile),
            dt.datetime(2026, 9, 20, 9),
            notes="-3 kg since last time",
        ),
    )

    karim = add_patient(db, "2026-0007", "Benali", "Karim", dt.date(1979, 11, 3), "0478 12 34 56")
    vertex = AreaData("scalp_vertex", Side.MIDLINE, "point_by_point", 2.0, 32, 4, 1.5, 100)
    hair = add_course(db, karim, indication="hair_loss", interval=7, areas=())
    sessions.record_session(
        db,
        simple_session(
            clinic, hair, dt.datetime(2026, 9, 10, 9), lots=(clinic.lc_lot,), areas=(vertex,)
        ),
    )
    patients.set_archived(db, karim, True, "Moved to Lyon")
    return Practice(helene, first, voided, bruise, weight, hostile, karim)


def _measurement_of(helene: Helene, metric: str) -> int:
    return next(
        m.id for m in patient_measurements(helene.db, helene.patient) if m.metric_code == metric
    )


@pytest.fixture
def practice(helene: Helene) -> Practice:
    return record_practice(helene)


_PYTHON_TYPES = {
    Kind.TEXT: (str,),
    Kind.INTEGER: (int,),
    Kind.NUMBER: (int, float),
    Kind.DATE: (dt.date,),
    Kind.DATETIME: (dt.datetime,),
    Kind.BOOLEAN: (bool,),
}


def test_every_cell_is_of_its_columns_kind(practice: Practice) -> None:
    # A cell shifted to the wrong column shows up here as a kind that does not fit.
    with read_tables(practice.db, None, None) as reader:
        for table in reader.tables:
            rows = list(reader.rows(table))
            assert rows, f"{table.name} is empty"
            for row in rows:
                assert len(row) == len(table.columns), table.name
                for column, value in zip(table.columns, row, strict=True):
                    if value is None:
                        continue
                    assert isinstance(value, _PYTHON_TYPES[column.kind]), (table.name, column)
                    if column.kind in (Kind.INTEGER, Kind.NUMBER):
                        assert not isinstance(value, bool), (table.name, column)
                    if column.kind is Kind.DATE:
                        assert not isinstance(value, dt.datetime), (table.name, column)


def test_column_names_are_unique_in_each_table() -> None:
    for table in TABLES:
        assert len(set(table.headers)) == len(table.headers), table.name
    assert len({table.name for table in TABLES}) == len(TABLES)


def test_patients_come_in_file_number_order_archived_ones_too(practice: Practice) -> None:
    with practice.db.read() as session:
        everyone = selected_patients(session, None)
        chosen = selected_patients(session, [practice.hostile, practice.helene.patient])
    # 2026-0007 (archived) < 2026-0142 < 2026-0666
    assert everyone == [practice.karim, practice.helene.patient, practice.hostile]
    assert chosen == [practice.helene.patient, practice.hostile]


def test_a_missing_patient_is_said(practice: Practice) -> None:
    chosen = [practice.helene.patient, 999]
    with (
        pytest.raises(NotFoundError, match="Patient 999 was not found"),
        read_tables(practice.db, chosen, None),
    ):
        pass


def test_an_empty_choice_is_said(practice: Practice) -> None:
    with (
        pytest.raises(ValidationError, match="none were chosen"),
        read_tables(practice.db, [], None),
    ):
        pass


def _documented() -> dict[str, list[str]]:
    """The column names listed under each "### table" heading of the format document."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if heading := re.fullmatch(r"### (\w+)", line):
            current = sections.setdefault(heading.group(1), [])
        elif line.startswith("## "):
            current = None
        elif current is not None and (cell := re.match(r"\| `(\w+)` \|", line)):
            current.append(cell.group(1))
    return sections


def test_the_format_document_lists_every_column_in_order() -> None:
    documented = _documented()
    for table in TABLES:
        assert documented.get(table.name) == table.headers, table.name
    assert documented.get("recall") == [column.name for column in RECALL_COLUMNS]


def test_every_documented_column_says_what_it_holds() -> None:
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if re.match(r"\| `\w+` \|", line):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            name, kind, meaning = cells[0], cells[1], cells[2]
            assert kind in ("text", "integer", "number", "date", "date-time", "yes/no"), name
            assert meaning, name


def test_a_baseline_without_a_session_keeps_its_course(practice: Practice) -> None:
    # Measurements taken outside a session are exported too, tied to their course.
    record_measurements(
        practice.db,
        practice.helene.patient,
        dt.date(2026, 9, 29),
        (MeasurementData("circumference", 57.1, "left thigh, 15 cm above the patella"),),
        course_id=practice.helene.course,
    )
    measurements = next(t for t in TABLES if t.name == "measurements")
    with read_tables(practice.db, [practice.helene.patient], None) as reader:
        rows = [dict(zip(measurements.headers, r, strict=True)) for r in reader.rows(measurements)]
    later = [r for r in rows if r["measured_on"] == dt.date(2026, 9, 29)]
    assert [(r["value"], r["course_id"], r["session_id"]) for r in later] == [
        (57.1, practice.helene.course, None)
    ]
