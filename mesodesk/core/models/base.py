"""The declarative base: one metadata with a constraint naming convention."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import MetaData, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints keep Alembic's batch mode on SQLite predictable (PITFALLS.md).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Audited:
    """Mixin for tables whose every insert and change is written to the audit trail."""

    __audited__ = True


class Voidable:
    """Mixin for clinical rows that are voided with a reason instead of deleted."""

    voided: Mapped[bool] = mapped_column(default=False, server_default="0")
    void_reason: Mapped[str | None]
    voided_at: Mapped[dt.datetime | None]


def utc_now() -> dt.datetime:
    """The current time in UTC, without tzinfo (SQLite stores naive datetimes)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


created_default = {"default": utc_now, "server_default": func.current_timestamp()}
