"""Reading the audit trail: who changed what, when, from what to what, and why."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select

from mesodesk.core.db import Database
from mesodesk.core.db.audit import ChainReport, verify_chain
from mesodesk.core.models import (
    AuditEntry,
    CocktailLine,
    Consent,
    Course,
    Measurement,
    Photo,
    Screening,
    SideEffect,
    TreatedArea,
    TreatmentSession,
)


@dataclass(frozen=True, slots=True)
class Change:
    id: int
    at_utc: dt.datetime
    actor: str
    action: str
    table_name: str
    row_key: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str

    @property
    def changed_fields(self) -> list[str]:
        return sorted(set(self.before or {}) | set(self.after or {}))


def _change(entry: Any) -> Change:
    """The change an audit entry records (an :class:`AuditEntry` or a Core row of one)."""
    return Change(
        id=entry.id,
        at_utc=entry.at_utc,
        actor=entry.actor,
        action=entry.action,
        table_name=entry.table_name,
        row_key=entry.row_key,
        before=json.loads(entry.before_json) if entry.before_json else None,
        after=json.loads(entry.after_json) if entry.after_json else None,
        reason=entry.reason,
    )


def record_history(db: Database, table_name: str, row_key: str | int) -> list[Change]:
    """Every change of one row, oldest first."""
    with db.read() as session:
        rows = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.table_name == table_name, AuditEntry.row_key == str(row_key))
            .order_by(AuditEntry.id)
        )
        return [_change(row) for row in rows]


def patient_history_of_changes(db: Database, patient_id: int) -> list[Change]:
    """Every change to a patient's record and what hangs from it, newest first."""
    with db.read() as session:
        keys: dict[str, set[str]] = {"patient": {str(patient_id)}}

        def collect(table: str, statement: Any) -> None:
            keys.setdefault(table, set()).update(str(i) for i in session.scalars(statement))

        collect("screening", select(Screening.id).where(Screening.patient_id == patient_id))
        collect("consent", select(Consent.id).where(Consent.patient_id == patient_id))
        collect("course", select(Course.id).where(Course.patient_id == patient_id))
        collect("measurement", select(Measurement.id).where(Measurement.patient_id == patient_id))
        collect("photo", select(Photo.id).where(Photo.patient_id == patient_id))
        sessions = (
            select(TreatmentSession.id)
            .join(Course, Course.id == TreatmentSession.course_id)
            .where(Course.patient_id == patient_id)
        )
        collect("treatment_session", sessions)
        collect(
            "cocktail_line", select(CocktailLine.id).where(CocktailLine.session_id.in_(sessions))
        )
        collect("treated_area", select(TreatedArea.id).where(TreatedArea.session_id.in_(sessions)))
        collect("side_effect", select(SideEffect.id).where(SideEffect.session_id.in_(sessions)))
        conditions = [
            (AuditEntry.table_name == table) & AuditEntry.row_key.in_(ids)
            for table, ids in keys.items()
            if ids
        ]
        # Core rows, not ORM objects: a long history has thousands of entries.
        rows = session.connection().execute(
            select(AuditEntry.__table__).where(or_(*conditions)).order_by(AuditEntry.id.desc())
        )
        return [_change(row) for row in rows]


def check_audit_chain(db: Database) -> ChainReport:
    """Recompute the audit hash chain from the first entry to the last."""
    with db.read() as session:
        return verify_chain(
            session.scalars(
                select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=2000)
            )
        )
