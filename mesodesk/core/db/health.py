"""``mesodesk check``: is a database file whole, consistent and untampered?"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from mesodesk.core.db.audit import verify_chain
from mesodesk.core.db.backup import readonly_uri
from mesodesk.core.db.opening import inspect_file
from mesodesk.core.errors import KnownError
from mesodesk.core.models import AuditEntry


@dataclass
class HealthReport:
    path: Path
    problems: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        verdict = "ok" if self.ok else "PROBLEMS FOUND"
        return [f"{self.path}: {verdict}", *self.facts, *(f"problem: {p}" for p in self.problems)]


def check_database(path: Path) -> HealthReport:
    """Check without writing: SQLite integrity, foreign keys, the audit hash chain."""
    report = HealthReport(path)
    if not path.exists():
        raise KnownError(f"There is no mesodesk database at {path}.")
    inspect_file(path)  # raises for a damaged file or one from a newer mesodesk
    with contextlib.closing(sqlite3.connect(readonly_uri(path), uri=True)) as conn:
        integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            report.problems += [f"integrity: {line}" for line in integrity[:10]]
        else:
            report.facts.append("integrity: ok")
        orphans = conn.execute("PRAGMA foreign_key_check").fetchall()
        if orphans:
            report.problems += [
                f"foreign key: {table} row {rowid} points to a missing {parent} row"
                for table, rowid, parent, _ in orphans[:10]
            ]
        else:
            report.facts.append("foreign keys: ok")
    engine = create_engine("sqlite+pysqlite:///" + readonly_uri(path) + "&uri=true")
    try:
        with Session(engine) as session:
            chain = verify_chain(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    finally:
        engine.dispose()
    if chain.intact:
        report.facts.append(f"audit chain: ok ({chain.entries} entries)")
    else:
        report.problems.append(
            f"audit chain: entry {chain.first_broken_id} does not match its hash "
            "(the audit trail was altered)"
        )
    return report
