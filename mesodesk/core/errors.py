"""Errors that mesodesk raises on purpose, kept apart from bugs.

A :class:`MesodeskError` carries a message a practitioner understands. The UI shows it
as it is; the command line prints it on one line and exits 1.
"""

from __future__ import annotations


class MesodeskError(Exception):
    """Base of every expected error: bad input or a problem of the environment."""

    @property
    def message(self) -> str:
        return str(self)


class ValidationError(MesodeskError):
    """Input that cannot be recorded; says which field and what is wrong."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


class NotFoundError(MesodeskError):
    """A record the caller named does not exist."""

    def __init__(self, what: str, key: object) -> None:
        self.what = what
        self.key = key
        super().__init__(f"{what} {key!r} was not found")


class BlockedByRulesError(MesodeskError):
    """A session has a blocking finding: it needs an override reason, or (an expired
    lot) cannot be saved as it is at all."""

    def __init__(self, findings: list[str], *, overridable: bool = True) -> None:
        self.findings = findings
        self.overridable = overridable
        listed = "; ".join(findings)
        if overridable:
            super().__init__(f"saving needs an override with a written reason: {listed}")
        else:
            super().__init__(f"the session cannot be saved as it is: {listed}")


class KnownError(MesodeskError):
    """A problem of the environment (disk full, locked or damaged file), not of the input."""


class DamagedDatabaseError(KnownError):
    """The file is not a readable mesodesk database; it has been left untouched."""


class NewerDatabaseError(KnownError):
    """The database was written by a newer mesodesk; it has been left untouched."""


class DatabaseBusyError(KnownError):
    """Another program holds the database."""


class StorageError(KnownError):
    """The disk is full or failed while writing; nothing of the change was kept."""
