"""Builders shared by the core tests: the shelf of SCENARIOS.md §1, Mme Dubois of §2.

Everything is added through the services, as the program itself would add it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from mesodesk.core.db import Database
from mesodesk.core.db.engine import make_engine
from mesodesk.core.enums import Side
from mesodesk.core.services import courses, patients, sessions
from tests.scenario import (  # noqa: F401  (re-exported for the core tests)
    BASELINE,
    COURSE_START,
    LEFT_THIGH,
    PATELLA,
    RIGHT_THIGH,
    SESSION_ONE,
    SHELF_DAY,
    Clinic,
    Helene,
    build_clinic,
    build_helene,
)


def _open_copy(template: Path, folder: Path) -> Database:
    """A copy of a template made by ``open_database``: already checked, migrated and synced,
    so it is opened directly (open_database itself is tested in test_database.py)."""
    path = folder / "record.sqlite"
    shutil.copyfile(template, path)
    database = Database(path, make_engine(path))
    database.actor = "Dr Test"
    return database


def _freeze(database: Database) -> Path:
    """Close a template database; its one file then holds everything (no -wal left)."""
    database.close()
    assert not Path(f"{database.path}-wal").exists()
    return database.path


@pytest.fixture(scope="session")
def shelf_template(
    template_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Clinic]:
    """§1 built once through the services; each test gets a copy of the file."""
    database = _open_copy(template_db, tmp_path_factory.mktemp("shelf"))
    built = build_clinic(database)
    return _freeze(database), built


@pytest.fixture(scope="session")
def helene_template(
    shelf_template: tuple[Path, Clinic], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Helene]:
    template, built = shelf_template
    database = _open_copy(template, tmp_path_factory.mktemp("helene"))
    helene = build_helene(dataclasses.replace(built, db=database))
    return _freeze(database), helene


@pytest.fixture
def clinic(shelf_template: tuple[Path, Clinic], tmp_path: Path) -> Iterator[Clinic]:
    """A fresh copy of Dr Moreau's record after §1 (no patient yet)."""
    template, built = shelf_template
    database = _open_copy(template, tmp_path)
    yield dataclasses.replace(built, db=database)
    database.close()


@pytest.fixture
def helene(helene_template: tuple[Path, Helene], tmp_path: Path) -> Iterator[Helene]:
    """A fresh copy of the record with Mme Dubois screened, consenting, her course planned."""
    template, built = helene_template
    database = _open_copy(template, tmp_path)
    yield dataclasses.replace(built, clinic=dataclasses.replace(built.clinic, db=database))
    database.close()


def add_patient(
    db: Database,
    file_number: str,
    family: str = "Martin",
    given: str = "Anne",
    born: dt.date = dt.date(1980, 1, 1),
    phone: str = "",
    **fields: object,
) -> int:
    """A patient with only what a test cares about."""
    return patients.create_patient(
        db,
        patients.PatientData(file_number, family, given, born, phone=phone, **fields),  # type: ignore[arg-type]
    )


def add_course(
    db: Database,
    patient_id: int,
    *,
    indication: str = "cellulite",
    planned: int = 8,
    interval: int = 14,
    start: dt.date = COURSE_START,
    maintenance: int | None = None,
    areas: tuple[str, ...] = ("thigh_outer",),
) -> int:
    return courses.plan_course(
        db,
        patient_id,
        courses.CourseData(indication, planned, interval, start, areas, maintenance),
    )


def simple_session(
    clinic: Clinic,
    course_id: int,
    when: dt.datetime,
    *,
    lots: Iterable[int] | None = None,
    **changes: object,
) -> sessions.SessionData:
    """A one-area session on ``course_id`` with the given lots (caffeine by default)."""
    data = sessions.SessionData(
        course_id=course_id,
        started_at=when,
        practitioner_id=clinic.practitioner,
        cocktail=tuple(sessions.CocktailLineData(lot, 1.0) for lot in (lots or (clinic.caf_lot,))),
        areas=(sessions.AreaData("thigh_outer", Side.LEFT, "nappage", 1.0, 30, 4, 2, 50),),
    )
    return dataclasses.replace(data, **changes)  # type: ignore[arg-type]


def count_rows(db: Database, *tables: str) -> dict[str, int]:
    with db.read() as session:
        return {t: session.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables}


def all_table_counts(db: Database) -> dict[str, int]:
    """Row counts of every table of the record."""
    with db.read() as session:
        names = session.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        ).scalars()
        return {
            name: session.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
            for name in list(names)
        }


def raw_connection(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection in autocommit mode, for what no service may do."""
    return sqlite3.connect(path, isolation_level=None)
