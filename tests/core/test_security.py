"""The password: Argon2id, needed to change it, and guessing slowed down."""

from __future__ import annotations

import pytest

from mesodesk.core import security
from mesodesk.core.db import Database
from mesodesk.core.errors import ValidationError
from mesodesk.core.services import practice


def test_no_password_opens_everything(db: Database) -> None:
    assert not security.has_password(db)
    assert security.check_password(db, "anything")


def test_the_password_is_stored_as_an_argon2id_hash(db: Database) -> None:
    security.set_password(db, "correct horse")
    stored = practice.get_setting(db, security.HASH_KEY)
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert security.check_password(db, "correct horse")
    assert not security.check_password(db, "correct hors")


def test_changing_it_needs_the_current_one(db: Database) -> None:
    security.set_password(db, "correct horse")
    with pytest.raises(ValidationError, match="Current password"):
        security.set_password(db, "battery staple", current="wrong one")
    with pytest.raises(ValidationError, match="at least 8"):
        security.set_password(db, "short", current="correct horse")
    security.set_password(db, "battery staple", current="correct horse")
    assert security.check_password(db, "battery staple")


def test_wrong_passwords_are_slowed_down(db: Database) -> None:
    security.set_password(db, "correct horse")
    now = [100.0]
    gate = security.PasswordGate(clock=lambda: now[0])
    for _ in range(security.FREE_TRIES - 1):
        assert not gate.attempt(db, "guess")
        assert gate.wait_s() == 0
    assert not gate.attempt(db, "guess")
    assert gate.wait_s() == 2
    assert not gate.attempt(db, "correct horse")  # refused while waiting, even if right
    now[0] += 2
    assert not gate.attempt(db, "guess")
    assert gate.wait_s() == 4
    now[0] += 4
    assert gate.attempt(db, "correct horse")
    assert gate.failures == 0


def test_idle_minutes(db: Database) -> None:
    assert security.idle_minutes(db) == 10
    security.set_idle_minutes(db, 3)
    assert security.idle_minutes(db) == 3
    with pytest.raises(ValidationError, match="Lock after"):
        security.set_idle_minutes(db, 0)
