"""The benchmark practice: the demo clinic, built once and kept in a cache folder.

Building 20 000 patients takes minutes and about 2 GB, so the file is cached outside
the repository (``$XDG_CACHE_HOME/mesodesk-bench``, ``~/.cache/mesodesk-bench`` by
default) under a name made of the patient count, the seed, the schema revision and
:data:`FIXTURE_VERSION`; a new migration or a change here builds a new file and the
outdated files of the same practice are removed (they are large).

Beyond the demo, two patients are added through the services, as the window would:

- "the hundred": 100 sessions in three courses; its first course has four measured
  series of 30 points. The record view, PDF and progress plot figures use it.
- "the save target": an open course that receives every session the "save a
  session" figure writes, so repeated runs never change the hundred.

The facts the figures need (ids, the lot to recall) are kept beside the file as JSON.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import select

from mesodesk.core.db import Database, open_database
from mesodesk.core.db.migrate import head_revision
from mesodesk.core.demo import generate_demo
from mesodesk.core.enums import ConsentKind, Sex, Side
from mesodesk.core.models import Lot
from mesodesk.core.services import courses, patients, practice, screening, sessions
from mesodesk.core.services.measurements import MeasurementData

FIXTURE_VERSION = 1
ACTOR = "mesodesk benchmark"
HUNDRED_FILE_NUMBER = "BENCH-100"
SAVE_FILE_NUMBER = "BENCH-SAVE"
RECALL_SESSIONS = 2000
# The four series of the progress figure: (metric, site), measured at sessions 1 to 30.
PROGRESS_SERIES: tuple[tuple[str, str], ...] = (
    ("weight", ""),
    ("circumference", "abdomen"),
    ("fat_thickness", "abdomen"),
    ("satisfaction", ""),
)
PROGRESS_POINTS = 30


@dataclass(frozen=True, slots=True)
class Course:
    """One course of the hundred: indication, sessions, interval, where it is injected."""

    indication: str
    sessions: int
    interval_days: int
    days_ago: int  # its start, counted back from the day the practice is built
    region: str
    side: Side


HUNDRED_COURSES = (
    Course("localized_fat", 40, 7, 400, "abdomen_upper", Side.MIDLINE),
    Course("cellulite", 30, 12, 390, "arm_posterior", Side.BOTH),
    Course("skin_rejuvenation", 30, 9, 300, "face_full", Side.MIDLINE),
)


@dataclass(frozen=True, slots=True)
class BenchFacts:
    """What the figures need to know about the cached practice."""

    path: str
    patients: int
    seed: int
    built_on: str
    build_seconds: float
    hundred_patient_id: int
    progress_course_id: int
    save_course_id: int
    practitioner_id: int
    recall_lot_number: str
    recall_product_id: int
    recall_sessions: int

    @property
    def database(self) -> Path:
        return Path(self.path)


def cache_folder() -> Path:
    """Where built practices are kept: outside the repository, per user."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mesodesk-bench"


def cache_name(patients: int, seed: int) -> str:
    return f"demo-p{patients}-s{seed}-r{head_revision()}-f{FIXTURE_VERSION}.sqlite"


def bench_practice(
    patients: int, seed: int, folder: Path | None = None, *, say: bool = True
) -> BenchFacts:
    """The cached practice of ``patients`` patients from ``seed``, built if missing."""
    folder = folder or cache_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / cache_name(patients, seed)
    facts_path = path.with_suffix(".json")
    if path.exists() and facts_path.exists():
        return BenchFacts(**json.loads(facts_path.read_text(encoding="utf-8")))
    _remove_outdated(folder, patients, seed, keep=path.name)
    if say:
        print(f"Building the {patients}-patient practice (seed {seed}) in {path} …", flush=True)
    partial = path.with_name(path.stem + ".part.sqlite")
    _remove_database(partial)
    began = dt.datetime.now()
    report = generate_demo(partial, patients=patients, seed=seed)
    db = open_database(partial)
    try:
        db.actor = ACTOR
        facts = _add_bench_patients(db, path, patients, seed)
    finally:
        db.close()
    _checkpoint(partial)
    partial.replace(path)
    seconds = (dt.datetime.now() - began).total_seconds()
    facts = BenchFacts(**{**asdict(facts), "build_seconds": round(seconds, 1)})
    facts_path.write_text(json.dumps(asdict(facts), indent=2), encoding="utf-8")
    if say:
        print(f"  {report.summary()}; the whole fixture in {seconds:.0f} s", flush=True)
    return facts


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _remove_outdated(folder: Path, patients: int, seed: int, keep: str) -> None:
    """Older builds of the same practice (another schema or fixture version), with the
    backups the cold-start figure linked to them (which would keep their 2 GB alive)."""
    for old in folder.glob(f"demo-p{patients}-s{seed}-*.sqlite"):
        if old.name != keep:
            _remove_database(old)
            old.with_suffix(".json").unlink(missing_ok=True)
            for link in (folder / "backups").glob(f"{old.stem}-*.sqlite"):
                link.unlink()


def _checkpoint(path: Path) -> None:
    """Fold the write-ahead log into the file, so the cache is one file."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    Path(f"{path}-wal").unlink(missing_ok=True)
    Path(f"{path}-shm").unlink(missing_ok=True)


# --- the added patients -----------------------------------------------------------------


def _add_bench_patients(db: Database, path: Path, count: int, seed: int) -> BenchFacts:
    today = dt.date.today()
    practitioner_id = practice.list_practitioners(db)[0].id
    hundred = _patient(db, HUNDRED_FILE_NUMBER, "Hundred", today)
    course_ids = [
        _course_with_sessions(db, hundred, course, practitioner_id, today, measured=index == 0)
        for index, course in enumerate(HUNDRED_COURSES)
    ]
    saver = _patient(db, SAVE_FILE_NUMBER, "Saves", today)
    save_course = courses.plan_course(
        db,
        saver,
        courses.CourseData(
            indication_code="localized_fat",
            planned_sessions=100,
            interval_days=7,
            maintenance_interval_days=30,
            start_date=today - dt.timedelta(days=30),
            target_areas=("abdomen_upper",),
        ),
    )
    lot_number, product_id, used = _recall_lot(db.path)
    return BenchFacts(
        path=str(path),
        patients=count,
        seed=seed,
        built_on=today.isoformat(),
        build_seconds=0.0,
        hundred_patient_id=hundred,
        progress_course_id=course_ids[0],
        save_course_id=save_course,
        practitioner_id=practitioner_id,
        recall_lot_number=lot_number,
        recall_product_id=product_id,
        recall_sessions=used,
    )


def _patient(db: Database, file_number: str, given: str, today: dt.date) -> int:
    patient_id = patients.create_patient(
        db,
        patients.PatientData(
            file_number=file_number,
            family_name="Benchmark",
            given_names=given,
            date_of_birth=dt.date(1980, 5, 5),
            sex=Sex.FEMALE,
            phone="06 00 00 00 00",
        ),
    )
    first = today - dt.timedelta(days=410)
    screening.record_screening(db, patient_id, screening.ScreeningData(screened_on=first))
    screening.record_consent(db, patient_id, ConsentKind.TREATMENT, "1", first)
    return patient_id


def usable_lots(db: Database, day: dt.date, count: int = 2) -> list[int]:
    """Lots of ``count`` different products usable on ``day`` (received, not expiring)."""
    margin = day + dt.timedelta(days=31)
    with db.read() as session:
        rows = session.execute(
            select(Lot.id, Lot.product_id)
            .where(
                Lot.expiry_date > margin,
                (Lot.received_on.is_(None)) | (Lot.received_on <= day),
            )
            .order_by(Lot.product_id, Lot.expiry_date.desc())
        ).all()
    chosen: dict[int, int] = {}
    for lot_id, product_id in rows:
        chosen.setdefault(product_id, lot_id)
    return list(chosen.values())[:count]


def session_data(
    course_id: int,
    practitioner_id: int,
    at: dt.datetime,
    lots: list[int],
    region: str,
    side: Side,
    measurements: tuple[MeasurementData, ...] = (),
) -> sessions.SessionData:
    """A plain session as the editor would send it: two lots, one area."""
    return sessions.SessionData(
        course_id=course_id,
        started_at=at,
        practitioner_id=practitioner_id,
        cocktail=tuple(sessions.CocktailLineData(lot, 1.0) for lot in lots),
        areas=(sessions.AreaData(region, side, "nappage", 2.0, points=40),),
        duration_min=30,
        measurements=measurements,
        pain_vas=2,
        notes="Benchmark session.",
    )


def _course_with_sessions(
    db: Database,
    patient_id: int,
    plan: Course,
    practitioner_id: int,
    today: dt.date,
    *,
    measured: bool,
) -> int:
    start = today - dt.timedelta(days=plan.days_ago)
    course_id = courses.plan_course(
        db,
        patient_id,
        courses.CourseData(
            indication_code=plan.indication,
            planned_sessions=plan.sessions,
            interval_days=plan.interval_days,
            start_date=start,
            target_areas=(plan.region,),
        ),
    )
    for number in range(plan.sessions):
        day = start + dt.timedelta(days=number * plan.interval_days)
        values: tuple[MeasurementData, ...] = ()
        if measured and number < PROGRESS_POINTS:
            values = (
                MeasurementData("weight", 78.0 - 0.15 * number),
                MeasurementData("circumference", 96.0 - 0.4 * number, site="abdomen"),
                MeasurementData("fat_thickness", 32.0 - 0.3 * number, site="abdomen"),
                MeasurementData("satisfaction", float(2 + min(3, number // 8))),
            )
        at = dt.datetime.combine(day, dt.time(10, 0))
        sessions.record_session(
            db,
            session_data(
                course_id,
                practitioner_id,
                at,
                usable_lots(db, day),
                plan.region,
                plan.side,
                values,
            ),
        )
    return course_id


def _recall_lot(path: Path) -> tuple[str, int, int]:
    """The lot whose number of sessions is nearest :data:`RECALL_SESSIONS`."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        rows = conn.execute(
            "SELECT lot.lot_number, lot.product_id, count(DISTINCT line.session_id) "
            "FROM cocktail_line AS line JOIN lot ON lot.id = line.lot_id "
            "WHERE line.voided = 0 GROUP BY lot.id"
        ).fetchall()
    number, product, used = min(rows, key=lambda row: abs(row[2] - RECALL_SESSIONS))
    return str(number), int(product), int(used)
