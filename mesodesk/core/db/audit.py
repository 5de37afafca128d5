"""Writing the audit trail from the unit of work, and checking its hash chain.

Every flush of an :class:`~mesodesk.core.models.base.Audited` row adds an audit entry in
the same transaction, so no service can forget one and no entry exists without its
change. Entries are chained: each hash covers the entry and the previous hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, inspect, select
from sqlalchemy.orm import Session, UOWTransaction, attributes

from mesodesk.core.models import AuditEntry
from mesodesk.core.models.base import Audited, utc_now

GENESIS = "0" * 64


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _row_key(obj: Any) -> str:
    # The identity key is not yet set on rows inserted by this flush: read the columns.
    return ",".join(str(part) for part in inspect(obj).mapper.primary_key_from_instance(obj))


def _columns(obj: Any) -> list[str]:
    return [column.key for column in inspect(obj).mapper.column_attrs]


def _snapshot(obj: Any) -> dict[str, Any]:
    return {key: _plain(getattr(obj, key)) for key in _columns(obj)}


def _changes(obj: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key in _columns(obj):
        history = attributes.get_history(obj, key)
        if history.has_changes():
            before[key] = _plain(history.deleted[0]) if history.deleted else None
            after[key] = _plain(history.added[0]) if history.added else None
    return before, after


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """The hash of one entry: its fields in canonical JSON, after the previous hash."""
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def _hashed_fields(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "at_utc": _plain(row["at_utc"]),
        "actor": row["actor"],
        "action": row["action"],
        "table_name": row["table_name"],
        "row_key": row["row_key"],
        "before_json": row["before_json"],
        "after_json": row["after_json"],
        "reason": row["reason"],
    }


def _dump(values: dict[str, Any] | None) -> str | None:
    if values is None:
        return None
    return json.dumps({k: _plain(v) for k, v in values.items()}, sort_keys=True, ensure_ascii=False)


def write_audit_entries(session: Session, _context: UOWTransaction) -> None:
    """``after_flush`` hook: one audit entry per audited row inserted, changed or deleted."""
    changes: list[tuple[str, Any, dict[str, Any] | None, dict[str, Any] | None]] = []
    for obj in session.new:
        if isinstance(obj, Audited):
            changes.append(("insert", obj, None, _snapshot(obj)))
    for obj in session.dirty:
        if isinstance(obj, Audited) and session.is_modified(obj, include_collections=False):
            before, after = _changes(obj)
            if after:
                changes.append(("update", obj, before, after))
    for obj in session.deleted:
        if isinstance(obj, Audited):
            changes.append(("delete", obj, _snapshot(obj), None))
    if not changes:
        return
    touched: set[str] = session.info.setdefault("changed_tables", set())
    touched.update(inspect(c[1]).mapper.local_table.name for c in changes)
    changes.sort(key=lambda c: (inspect(c[1]).mapper.local_table.name, _row_key(c[1])))
    append_entries(
        session.connection(),
        [
            (action, inspect(obj).mapper.local_table.name, _row_key(obj), before, after)
            for action, obj, before, after in changes
        ],
        actor=str(session.info.get("actor", "system")),
        reason=str(session.info.get("reason", "")),
    )


AuditItem = tuple[str, str, str, dict[str, Any] | None, dict[str, Any] | None]


def append_entries(
    connection: Connection, items: Iterable[AuditItem], *, actor: str, reason: str
) -> int:
    """Append audit entries ``(action, table, row key, before, after)`` to the chain.

    The caller's transaction must hold the write lock (``BEGIN IMMEDIATE``), so the
    chain cannot fork. Returns how many entries were written.
    """
    prev = (
        connection.execute(
            select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)
        ).scalar_one_or_none()
        or GENESIS
    )
    now = utc_now()
    rows = []
    for action, table, row_key, before, after in items:
        row: dict[str, Any] = {
            "at_utc": now,
            "actor": actor,
            "action": action,
            "table_name": table,
            "row_key": row_key,
            "before_json": _dump(before),
            "after_json": _dump(after),
            "reason": reason,
            "prev_hash": prev,
        }
        row["entry_hash"] = prev = entry_hash(prev, _hashed_fields(row))
        rows.append(row)
    if rows:
        connection.execute(insert(AuditEntry), rows)
    return len(rows)


@dataclass(frozen=True, slots=True)
class ChainReport:
    """The outcome of checking the audit chain."""

    entries: int
    first_broken_id: int | None

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None


def verify_chain(entries: Iterable[AuditEntry]) -> ChainReport:
    """Recompute every hash in id order; report the first entry that does not match."""
    prev = GENESIS
    count = 0
    for entry in entries:
        count += 1
        row = {column.key: getattr(entry, column.key) for column in AuditEntry.__table__.c}
        expected = entry_hash(prev, _hashed_fields(row))
        if entry.prev_hash != prev or entry.entry_hash != expected:
            return ChainReport(entries=count, first_broken_id=entry.id)
        prev = entry.entry_hash
    return ChainReport(entries=count, first_broken_id=None)
