"""The flattened session history of the CSV and XLSX exports: one row per session that
stands (not voided), its areas and cocktail summarised in words, for spreadsheet users.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mesodesk.core.exchange.tables import (
    BOOLEAN,
    DATE,
    DATETIME,
    INTEGER,
    NUMBER,
    TEXT,
    AnySelect,
    Column,
    Names,
    Row,
    Scope,
    Table,
    _by_session,
    _device_name,
    _of_sessions,
)  # fmt: skip
from mesodesk.core.models import (
    CocktailLine,
    Course,
    Patient,
    SideEffect,
    TreatedArea,
    TreatmentSession,
)

P, C, T = Patient, Course, TreatmentSession
A, L, E = TreatedArea, CocktailLine, SideEffect


class _Summaries:
    """Areas and cocktail lines in words, for the session history.

    Most areas of a practice share their region, side, technique and needle: the words
    for those are made once and kept.
    """

    def __init__(self, names: Names) -> None:
        self.names = names
        self._areas: dict[tuple[Any, ...], str] = {}

    def area(
        self,
        region: str,
        side: str,
        technique: str,
        gauge: int | None,
        length: float | None,
        depth: float | None,
        points: int | None,
        volume_ml: float,
    ) -> str:
        """An area in words, e.g. "Outer thigh (left): Nappage, 30 G 4 mm, 2 mm deep, 60 points,
        2 mL"; what is not recorded (needle, depth, points) is left out."""
        key = (region, side, technique, gauge, length, depth)
        start = self._areas.get(key)
        if start is None:
            parts = [f"{self.names.area(region, side)}: {self.names.words['technique'][technique]}"]
            needle = [f"{gauge} G"] if gauge else []
            if length:
                needle.append(f"{length:g} mm")
            if needle:
                parts.append(" ".join(needle))
            if depth:
                parts.append(f"{depth:g} mm deep")
            start = self._areas[key] = ", ".join(parts)
        if points:
            return f"{start}, {points} points, {volume_ml:g} mL"
        return f"{start}, {volume_ml:g} mL"

    def line(self, lot_id: int, volume_ml: float) -> str:
        """A cocktail line in words, e.g. "Cafeína 1% lot CAF-24-117 2 mL"."""
        words = self.names.words
        return (
            f"{words['lot.product'][lot_id]} lot {words['lot.lot_number'][lot_id]} {volume_ml:g} mL"
        )


HISTORY_COLUMNS = (
    Column("file_number", TEXT),
    Column("patient_name", TEXT),
    Column("date_of_birth", DATE),
    Column("course_id", INTEGER),
    Column("indication", TEXT),
    Column("session_id", INTEGER),
    Column("session_number", INTEGER),
    Column("maintenance", BOOLEAN),
    Column("started_at", DATETIME),
    Column("duration_min", INTEGER),
    Column("practitioner", TEXT),
    Column("device", TEXT),
    Column("anaesthesia", TEXT),
    Column("areas", TEXT),
    Column("area_count", INTEGER),
    Column("injected_volume_ml", NUMBER),
    Column("cocktail", TEXT),
    Column("cocktail_volume_ml", NUMBER),
    Column("pain_vas", INTEGER),
    Column("side_effect_count", INTEGER),
    Column("aftercare_given", BOOLEAN),
    Column("next_due_date", DATE),
    Column("notes", TEXT),
)


def _standing(model: Any) -> Scope:
    """Rows (not voided) of sessions (not voided) of the chosen patients."""

    def scope(statement: AnySelect, ids: Sequence[int]) -> AnySelect:
        return _by_session(model)(statement, ids).where(
            model.voided.is_(False), T.voided.is_(False)
        )

    return scope


def _history(session: Session, names: Names, ids: Sequence[int]) -> Iterator[Row]:
    def rows(statement: AnySelect) -> Sequence[Any]:
        # Plain rows, fetched at once: no ORM loading, no round trip per row.
        return session.connection().execute(statement).all()

    area_rows = _standing(A)(
        select(A.session_id, A.region_code, A.side, A.technique_code, A.needle_gauge).add_columns(
            A.needle_length_mm, A.depth_mm, A.points, A.volume_ml
        ),
        ids,
    ).order_by(A.session_id, A.position)
    words = _Summaries(names)
    areas: dict[int, list[str]] = {}
    injected: dict[int, float] = {}
    for session_id, *area in rows(area_rows):
        areas.setdefault(session_id, []).append(words.area(*area))
        injected[session_id] = injected.get(session_id, 0.0) + area[-1]
    line_rows = _standing(L)(select(L.session_id, L.lot_id, L.volume_ml), ids)
    lines: dict[int, list[tuple[int, float]]] = {}
    for session_id, lot_id, volume in rows(line_rows.order_by(L.session_id, L.position)):
        lines.setdefault(session_id, []).append((lot_id, volume))
    counted = _standing(E)(select(E.session_id, func.count()), ids).group_by(E.session_id)
    effects: dict[int, int] = dict(rows(counted))
    statement = _of_sessions(
        select(P.file_number, P.given_names, P.family_name, P.date_of_birth, T.course_id)
        .add_columns(C.indication_code, T.id, T.number, T.maintenance, T.started_at)
        .add_columns(T.duration_min, T.practitioner_id, T.device, T.anaesthesia, T.pain_vas)
        .add_columns(T.aftercare_given, T.next_due_date, T.notes),
        ids,
    ).where(T.voided.is_(False))
    indications, practitioners = names.words["indication"], names.words["practitioner"]
    for row in rows(statement):
        # Unpacked once: a Row's attributes cost more than its positions.
        file_number, given, family, born, course_id, indication, session_id, *rest = row
        number, maintenance, started_at, duration, practitioner_id, device, *rest = rest
        anaesthesia, pain_vas, aftercare_given, next_due_date, notes = rest
        done = areas.get(session_id, ())
        used = lines.get(session_id, ())
        yield (
            file_number,
            f"{given} {family}".strip(),
            born,
            course_id,
            indications[indication],
            session_id,
            number,
            maintenance,
            started_at,
            duration,
            practitioners[practitioner_id],
            _device_name(device),
            anaesthesia,
            "; ".join(done),
            len(done),
            round(injected.get(session_id, 0.0), 3),
            "; ".join(words.line(lot_id, volume) for lot_id, volume in used),
            round(sum(volume for _, volume in used), 3),
            pain_vas,
            effects.get(session_id, 0),
            aftercare_given,
            next_due_date,
            notes,
        )


SESSION_HISTORY = Table("session_history", HISTORY_COLUMNS, _history)
