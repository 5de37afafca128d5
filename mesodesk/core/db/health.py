"""``mesodesk check``: is a database file whole, consistent and untampered?"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, make_url, select
from sqlalchemy.orm import Session

from mesodesk.core.db.audit import verify_chain
from mesodesk.core.db.backup import connect_readonly, readonly_uri
from mesodesk.core.db.cipher import key_for
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


def check_database(path: Path, key: str | None = None) -> HealthReport:
    """Check without writing: SQLite integrity, foreign keys, the audit hash chain.

    An encrypted file is read with ``key`` (its password).
    """
    report = HealthReport(path)
    if not path.exists():
        raise KnownError(f"There is no mesodesk database at {path}.")
    # Raises for a damaged file, one from a newer mesodesk, or a missing or wrong key.
    inspect_file(path, key)
    key = key_for(path, key)
    with contextlib.closing(connect_readonly(path, key)) as conn:
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
    driver = "pysqlite" if key is None else "pysqlcipher"
    url = make_url(f"sqlite+{driver}:///{readonly_uri(path)}&uri=true")
    engine = create_engine(url if key is None else url.set(password=key))
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
