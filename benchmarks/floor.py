"""The floor: the same questions asked of raw ``sqlite3`` on the same file.

Each function answers what a mesodesk service answers (the patient list for a typed
query, one patient's whole history, a lot recall) with hand-written SQL and plain
tuples: no ORM, no dataclasses. mesodesk's time over this one is the ratio the issue
asks to keep at 3x or less. The SQL follows the services' own queries, so the two
read the same rows through the same indexes.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mesodesk.core.text import fold

LIST_BLOCK = 100  # rows the patient list reads for its first screenful (mesodesk.ui)
OPEN_STATUSES = ("planned", "active", "maintenance")


@contextlib.contextmanager
def raw_connection(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection with SQLite's defaults and nothing of mesodesk's."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        yield conn
    finally:
        conn.close()


def _marks(values: list[Any] | tuple[Any, ...]) -> str:
    return ", ".join("?" * len(values))


def _escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(conn: sqlite3.Connection, query: str) -> list[tuple[Any, ...]]:
    """The matching ids, best first, and the columns of the first block of rows."""
    folded = fold(query)
    words = [_escape(w) for w in folded.split(" ")] if folded else []
    where, params = [], []
    for word in words:
        where.append("(family_key LIKE ? ESCAPE '\\' OR given_key LIKE ? ESCAPE '\\')")
        params += [f"%{word}%", f"%{word}%"]
    name = " AND ".join(where) or "1"
    first = words[0] if words else ""
    ids = [
        row[0]
        for row in conn.execute(
            f"SELECT id FROM patient WHERE (({name}) OR lower(file_number) LIKE ? ESCAPE '\\') "
            "AND archived = 0 ORDER BY CASE WHEN lower(file_number) = ? THEN 0 "
            "WHEN family_key LIKE ? ESCAPE '\\' THEN 1 WHEN given_key LIKE ? ESCAPE '\\' THEN 2 "
            "ELSE 3 END, family_key, given_key, id",
            [*params, f"%{_escape(folded)}%", folded, f"{first}%", f"{first}%"],
        )
    ]
    return _list_rows(conn, ids[:LIST_BLOCK])


def _list_rows(conn: sqlite3.Connection, ids: list[int]) -> list[tuple[Any, ...]]:
    if not ids:
        return []
    m = _marks(ids)
    rows = conn.execute(
        "SELECT id, file_number, family_name, given_names, date_of_birth, archived "
        f"FROM patient WHERE id IN ({m})",
        ids,
    ).fetchall()
    rows += conn.execute(
        "SELECT c.patient_id, max(s.started_at) FROM course AS c "
        "JOIN treatment_session AS s ON s.course_id = c.id "
        f"WHERE c.patient_id IN ({m}) AND s.voided = 0 GROUP BY c.patient_id",
        ids,
    ).fetchall()
    rows += conn.execute(
        "SELECT c.patient_id, count(e.id) FROM course AS c "
        "JOIN treatment_session AS s ON s.course_id = c.id "
        "JOIN side_effect AS e ON e.session_id = s.id "
        f"WHERE c.patient_id IN ({m}) AND e.resolved_on IS NULL AND e.voided = 0 "
        "GROUP BY c.patient_id",
        ids,
    ).fetchall()
    courses = conn.execute(
        "SELECT c.id, c.patient_id, i.name, c.status, c.interval_days, "
        "c.maintenance_interval_days, c.start_date FROM course AS c "
        "JOIN indication AS i ON i.code = c.indication_code "
        f"WHERE c.patient_id IN ({m}) AND +c.status IN ({_marks(OPEN_STATUSES)}) "
        "ORDER BY c.start_date",
        [*ids, *OPEN_STATUSES],
    ).fetchall()
    course_ids = [c[0] for c in courses]
    if course_ids:
        rows += conn.execute(
            "SELECT s.course_id, s.started_at, s.next_due_date FROM treatment_session AS s "
            "JOIN (SELECT course_id, max(started_at) AS at FROM treatment_session "
            f"WHERE course_id IN ({_marks(course_ids)}) AND voided = 0 GROUP BY course_id) "
            "AS n ON n.course_id = s.course_id AND n.at = s.started_at WHERE s.voided = 0",
            course_ids,
        ).fetchall()
    return rows + courses


def history(conn: sqlite3.Connection, patient_id: int) -> list[tuple[Any, ...]]:
    """One patient's whole record and the audit entries of its rows (the record view)."""
    one = [patient_id]
    rows = conn.execute("SELECT * FROM patient WHERE id = ?", one).fetchall()
    screenings = conn.execute(
        "SELECT * FROM screening WHERE patient_id = ? ORDER BY screened_on, id", one
    ).fetchall()
    rows += screenings
    rows += conn.execute(
        "SELECT a.*, i.name FROM screening_allergy AS a JOIN ingredient AS i "
        "ON i.id = a.ingredient_id JOIN screening AS s ON s.id = a.screening_id "
        "WHERE s.patient_id = ?",
        one,
    ).fetchall()
    consents = conn.execute("SELECT * FROM consent WHERE patient_id = ?", one).fetchall()
    courses = conn.execute(
        "SELECT c.*, i.name FROM course AS c JOIN indication AS i ON i.code = c.indication_code "
        "WHERE c.patient_id = ? ORDER BY c.start_date DESC",
        one,
    ).fetchall()
    sessions = conn.execute(
        "SELECT s.*, p.title, p.name FROM treatment_session AS s "
        "JOIN course AS c ON c.id = s.course_id JOIN practitioner AS p ON p.id = s.practitioner_id "
        "WHERE c.patient_id = ? ORDER BY s.started_at",
        one,
    ).fetchall()
    session_ids = [s[0] for s in sessions]
    m = _marks(session_ids)
    lines = conn.execute(
        "SELECT l.*, lot.lot_number, lot.expiry_date, lot.product_id, pr.name "
        "FROM cocktail_line AS l JOIN lot ON lot.id = l.lot_id "
        f"JOIN product AS pr ON pr.id = lot.product_id WHERE l.session_id IN ({m}) "
        "ORDER BY l.session_id, l.position",
        session_ids,
    ).fetchall()
    rows += conn.execute(
        "SELECT pi.product_id, i.name, pi.concentration, pi.unit FROM product_ingredient AS pi "
        "JOIN ingredient AS i ON i.id = pi.ingredient_id"
    ).fetchall()
    areas = conn.execute(
        f"SELECT * FROM treated_area WHERE session_id IN ({m}) ORDER BY session_id, position",
        session_ids,
    ).fetchall()
    effects = conn.execute(
        f"SELECT * FROM side_effect WHERE session_id IN ({m})", session_ids
    ).fetchall()
    measurements = conn.execute(
        "SELECT * FROM measurement WHERE patient_id = ? AND voided = 0 "
        "ORDER BY measured_on, metric_code, site",
        one,
    ).fetchall()
    photos = conn.execute("SELECT id FROM photo WHERE patient_id = ?", one).fetchall()
    keys = {
        "patient": one,
        "screening": [r[0] for r in screenings],
        "consent": [r[0] for r in consents],
        "course": [r[0] for r in courses],
        "measurement": [r[0] for r in measurements],
        "photo": [r[0] for r in photos],
        "treatment_session": session_ids,
        "cocktail_line": [r[0] for r in lines],
        "treated_area": [r[0] for r in areas],
        "side_effect": [r[0] for r in effects],
    }
    where, params = [], []
    for table, ids in keys.items():
        if ids:
            where.append(f"(table_name = ? AND row_key IN ({_marks(ids)}))")
            params += [table, *(str(i) for i in ids)]
    audit = conn.execute(
        f"SELECT * FROM audit_entry WHERE {' OR '.join(where)} ORDER BY id DESC", params
    ).fetchall()
    return rows + consents + courses + sessions + lines + areas + effects + measurements + audit


def recall(conn: sqlite3.Connection, lot_number: str) -> list[tuple[Any, ...]]:
    """Every session (not voided) with a line of the lot, and the areas treated in each."""
    found = conn.execute(
        "SELECT l.volume_ml, l.position, s.id, s.number, s.started_at, p.id, p.file_number, "
        "p.given_names, p.family_name, p.phone, p.email, i.name, pr.name, lot.lot_number, "
        "lot.expiry_date FROM cocktail_line AS l JOIN lot ON lot.id = l.lot_id "
        "JOIN product AS pr ON pr.id = lot.product_id "
        "JOIN treatment_session AS s ON s.id = l.session_id "
        "JOIN course AS c ON c.id = s.course_id "
        "JOIN indication AS i ON i.code = c.indication_code "
        "JOIN patient AS p ON p.id = c.patient_id "
        "WHERE l.lot_id IN (SELECT id FROM lot WHERE lower(lot_number) = lower(?)) "
        "AND l.voided = 0 AND s.voided = 0 "
        "ORDER BY s.started_at DESC, l.position",
        [lot_number.strip()],
    ).fetchall()
    session_ids = sorted({row[2] for row in found})
    if not session_ids:
        return found
    areas = conn.execute(
        "SELECT a.session_id, r.name, a.side FROM treated_area AS a "
        "JOIN region AS r ON r.code = a.region_code "
        f"WHERE a.session_id IN ({_marks(session_ids)}) AND a.voided = 0 "
        "ORDER BY a.session_id, a.position",
        session_ids,
    ).fetchall()
    return found + areas
