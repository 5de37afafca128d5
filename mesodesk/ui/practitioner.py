"""Who is working: the current practitioner signs sessions and every audit entry."""

from __future__ import annotations

from mesodesk.core.db import Database
from mesodesk.core.services import practice

CURRENT_KEY = "current_practitioner_id"


def current_practitioner_id(db: Database) -> int | None:
    """The chosen practitioner, else the only (or first) active one, else None."""
    active = practice.list_practitioners(db)
    chosen = practice.get_setting(db, CURRENT_KEY)
    for person in active:
        if str(person.id) == chosen:
            return person.id
    return active[0].id if active else None


def set_current_practitioner(db: Database, practitioner_id: int) -> None:
    """Make ``practitioner_id`` the one who signs from now on (also the audit's actor)."""
    practice.set_setting(db, CURRENT_KEY, str(practitioner_id))
    apply_actor(db)


def apply_actor(db: Database) -> None:
    """Name the current practitioner as the author of the changes that follow."""
    pid = current_practitioner_id(db)
    for person in practice.list_practitioners(db):
        if person.id == pid:
            db.actor = person.display_name
            return
