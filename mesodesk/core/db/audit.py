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


def _row_key(obj: Any) -> str:
    # The identity key is not yet set on rows inserted by this flush: read the columns.
    return ",".join(str(part) for part in inspect(obj).mapper.primary_key_from_instance(obj))


def _columns(obj: Any) -> list[str]:
    return [column.key for column in inspect(obj).mapper.column_attrs]


def _snapshot(obj: Any) -> dict[str, Any]:
    return {key: getattr(obj, key) for key in _columns(obj)}


def _changes(obj: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key in _columns(obj):
        history = attributes.get_history(obj, key)
        if history.has_changes():
            before[key] = history.deleted[0] if history.deleted else None
            after[key] = history.added[0] if history.added else None
    return before, after


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _dump(values: dict[str, Any] | None) -> str | None:
    if values is None:
        return None
    return json.dumps(
        values, default=_json_default, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )


def entry_hash(
    prev_hash: str,
    at_utc: dt.datetime,
    actor: str,
    action: str,
    table_name: str,
    row_key: str,
    before_json: str | None,
    after_json: str | None,
    reason: str,
) -> str:
    """The hash of one entry: its fields in canonical JSON, after the previous hash."""
    return entry_hash_of_text(
        prev_hash, at_utc.isoformat(), actor, action, table_name, row_key, before_json,
        after_json, reason,
    )  # fmt: skip


def entry_hash_of_text(
    prev_hash: str,
    at_utc_iso: str,
    actor: str,
    action: str,
    table_name: str,
    row_key: str,
    before_json: str | None,
    after_json: str | None,
    reason: str,
) -> str:
    """:func:`entry_hash` with the time already written as ``datetime.isoformat`` does."""
    canonical = json.dumps(
        [at_utc_iso, actor, action, table_name, row_key, before_json, after_json, reason],
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


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
        before_json, after_json = _dump(before), _dump(after)
        digest = entry_hash(
            prev, now, actor, action, table, row_key, before_json, after_json, reason
        )
        rows.append(
            {
                "at_utc": now,
                "actor": actor,
                "action": action,
                "table_name": table,
                "row_key": row_key,
                "before_json": before_json,
                "after_json": after_json,
                "reason": reason,
                "prev_hash": prev,
                "entry_hash": digest,
            }
        )
        prev = digest
    if not rows:
        return 0
    if connection.dialect.name == "sqlite":
        # Large batches (the demo practice, an archive import) spend most of their time
        # here: hand SQLite plain tuples, stored exactly as SQLAlchemy stores them.
        columns = list(rows[0])
        connection.exec_driver_sql(
            f"INSERT INTO audit_entry ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' * len(columns))})",
            [tuple(sqlite_value(row[c]) for c in columns) for row in rows],
        )
    else:
        connection.execute(insert(AuditEntry), rows)
    return len(rows)


def sqlite_value(value: Any) -> Any:
    """A Python value as SQLAlchemy's SQLite types store it (dates as ISO text)."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


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
        expected = entry_hash(
            prev,
            entry.at_utc,
            entry.actor,
            entry.action,
            entry.table_name,
            entry.row_key,
            entry.before_json,
            entry.after_json,
            entry.reason,
        )
        if entry.prev_hash != prev or entry.entry_hash != expected:
            return ChainReport(entries=count, first_broken_id=entry.id)
        prev = entry.entry_hash
    return ChainReport(entries=count, first_broken_id=None)


ChainRow = tuple[int, str, str, str, str, str, str | None, str | None, str, str, str]
"""An entry as plain values: id, at_utc as ``isoformat`` text, actor, action, table_name,
row_key, before_json, after_json, reason, prev_hash, entry_hash."""


def verify_chain_rows(rows: Iterable[ChainRow]) -> ChainReport:
    """:func:`verify_chain` over plain rows, for long trails read without the ORM."""
    prev = GENESIS
    count = 0
    for (
        entry_id,
        at_iso,
        actor,
        action,
        table,
        key,
        before,
        after,
        reason,
        prev_hash,
        digest,
    ) in rows:
        count += 1
        expected = entry_hash_of_text(
            prev, at_iso, actor, action, table, key, before, after, reason
        )
        if prev_hash != prev or digest != expected:
            return ChainReport(entries=count, first_broken_id=entry_id)
        prev = digest
    return ChainReport(entries=count, first_broken_id=None)
