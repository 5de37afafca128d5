"""The demo clinic: realistic, valid, deterministic, and never over an existing file."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from mesodesk.core.db import open_database
from mesodesk.core.db.health import check_database
from mesodesk.core.demo import generate_demo
from mesodesk.core.errors import KnownError
from mesodesk.core.models import AuditEntry, Metric
from mesodesk.core.services import courses, patients, side_effects

TODAY = dt.date(2026, 11, 25)
CLINICAL_TABLES = (
    "patient",
    "course",
    "treatment_session",
    "cocktail_line",
    "treated_area",
    "measurement",
    "side_effect",
    "lot",
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    report = generate_demo(path, patients=40, seed=7, today=TODAY)
    assert report.patients == 40
    assert report.sessions > 200
    return path


def _rows(path: Path, table: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
        kept = [c for c in columns if c not in ("recorded_at", "created_at", "voided_at")]
        return conn.execute(f"SELECT {', '.join(kept)} FROM {table} ORDER BY id").fetchall()


def _query(path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def test_same_seed_gives_the_same_practice(demo: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.sqlite"
    generate_demo(again, patients=40, seed=7, today=TODAY)
    for table in CLINICAL_TABLES:
        assert _rows(again, table) == _rows(demo, table), table


def test_another_seed_gives_another_practice(demo: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    generate_demo(other, patients=40, seed=8, today=TODAY)
    assert _rows(other, "patient") != _rows(demo, "patient")


def test_refuses_an_existing_file_and_leaves_it_alone(tmp_path: Path) -> None:
    path = tmp_path / "record.sqlite"
    path.write_bytes(b"a practitioner's own data")
    with pytest.raises(KnownError, match="already exists"):
        generate_demo(path, patients=5)
    assert path.read_bytes() == b"a practitioner's own data"


def test_checks_clean(demo: Path) -> None:
    report = check_database(demo)
    assert report.ok, report.lines()


def test_no_lot_was_used_after_its_expiry(demo: Path) -> None:
    late = _query(
        demo,
        "SELECT s.id FROM cocktail_line c JOIN treatment_session s ON s.id = c.session_id "
        "JOIN lot l ON l.id = c.lot_id WHERE date(s.started_at) > l.expiry_date "
        "OR date(s.started_at) < l.received_on",
    )
    assert late == []


def test_no_session_has_a_block_finding(demo: Path) -> None:
    findings = [
        json.loads(row[0]) for row in _query(demo, "SELECT findings_json FROM treatment_session")
    ]
    assert all(f["level"] != "block" for session in findings for f in session)


def test_every_patient_is_an_adult_at_every_session(demo: Path) -> None:
    minors = _query(
        demo,
        "SELECT s.id FROM treatment_session s JOIN course c ON c.id = s.course_id "
        "JOIN patient p ON p.id = c.patient_id "
        "WHERE date(p.date_of_birth, '+18 years') > date(s.started_at)",
    )
    assert minors == []


def test_measurements_lie_within_their_metric_ranges(demo: Path) -> None:
    outside = _query(
        demo,
        "SELECT m.id, m.metric_code, m.value FROM measurement m JOIN metric k "
        "ON k.code = m.metric_code WHERE m.value < k.min_value OR m.value > k.max_value",
    )
    assert outside == []


def test_css_total_is_the_sum_of_its_items(demo: Path) -> None:
    rows = _query(
        demo,
        "SELECT t.value, (SELECT sum(i.value) FROM measurement i WHERE i.patient_id = t.patient_id "
        "AND i.measured_on = t.measured_on AND i.course_id = t.course_id "
        "AND i.metric_code IN ('css_a','css_b','css_c','css_d','css_e') AND i.voided = 0) "
        "FROM measurement t WHERE t.metric_code = 'css_total' AND t.voided = 0",
    )
    assert rows
    assert all(total == items for total, items in rows)


def test_a_living_practice(demo: Path) -> None:
    db = open_database(demo)
    try:
        assert patients.search_patients(db, "", include_archived=True, limit=100)
        archived = _query(demo, "SELECT count(*) FROM patient WHERE archived = 1")[0][0]
        assert archived >= 1
        assert (
            side_effects.open_side_effects(db)
            or _query(demo, "SELECT count(*) FROM side_effect WHERE resolved_on IS NULL")[0][0] >= 1
        )
        assert courses.due_courses(db, TODAY, within_days=14)
        statuses = {row[0] for row in _query(demo, "SELECT DISTINCT status FROM course")}
        assert {"active", "completed"} <= statuses
        with db.read() as session:
            metrics = set(session.scalars(select(Metric.code)))
        used = {row[0] for row in _query(demo, "SELECT DISTINCT metric_code FROM measurement")}
        assert used <= metrics
        assert {"circumference", "css_total", "bmi", "hair_density_total", "wsrs"} <= used
    finally:
        db.close()


def test_accented_names_are_found_without_accents(demo: Path) -> None:
    accented = _query(
        demo,
        "SELECT given_names, family_name FROM patient "
        "WHERE given_key != lower(given_names) AND archived = 0 LIMIT 1",
    )
    assert accented, "the demo should have accented names"
    given, family = accented[0]
    db = open_database(demo)
    try:
        from mesodesk.core.text import fold

        hits = patients.search_patients(db, f"{fold(str(given))} {fold(str(family))}")
        assert any(h.given_names == given and h.family_name == family for h in hits)
    finally:
        db.close()


def test_amendments_and_voids_carry_their_reasons(demo: Path) -> None:
    db = open_database(demo)
    try:
        with db.read() as session:
            amended = session.scalars(
                select(AuditEntry).where(
                    AuditEntry.table_name == "treatment_session", AuditEntry.action == "update"
                )
            ).all()
        reasons = {entry.reason for entry in amended}
        assert any("syringe log" in reason for reason in reasons)
        assert any("wrong patient" in reason for reason in reasons)
        assert _query(demo, "SELECT count(*) FROM treatment_session WHERE voided = 1")[0][0] >= 1
    finally:
        db.close()


def test_the_indexes_dropped_for_speed_are_all_back(demo: Path, template_db: Path) -> None:
    query = "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name"
    assert _query(demo, query) == _query(template_db, query)
