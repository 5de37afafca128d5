"""The append-only audit trail, chained by hashes so that tampering shows."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from mesodesk.core.models.base import Base


class AuditEntry(Base):
    """Who changed which row, when (UTC), from what to what, and why.

    The database refuses UPDATE and DELETE on this table (triggers made by the
    migration). ``entry_hash`` covers the entry and the previous entry's hash.
    """

    __tablename__ = "audit_entry"
    __table_args__ = (
        CheckConstraint("action IN ('insert', 'update', 'delete')", name="action"),
        Index("ix_audit_entry_row", "table_name", "row_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at_utc: Mapped[dt.datetime]
    actor: Mapped[str]
    action: Mapped[str]
    table_name: Mapped[str] = mapped_column(String(60))
    row_key: Mapped[str] = mapped_column(String(120), doc="Primary key, as text")
    before_json: Mapped[str | None]
    after_json: Mapped[str | None]
    reason: Mapped[str] = mapped_column(default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)
