"""The practitioner's password (Argon2id) and the idle lock's settings.

The password guards the window: asked at start and after the idle time. When the record
is encrypted (File › Encrypt this database…, :mod:`mesodesk.core.db.encryption`), the
same password is the SQLCipher passphrase of the file; the hash here still serves the
idle lock.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from mesodesk.core.db import Database
from mesodesk.core.errors import ValidationError
from mesodesk.core.services import practice

HASH_KEY = "app_password_hash"
IDLE_KEY = "lock_after_minutes"
DEFAULT_IDLE_MINUTES = 10
MIN_LENGTH = 8
FREE_TRIES = 3
MAX_WAIT_S = 60.0

_hasher = PasswordHasher()  # Argon2id with the library's current recommended costs


def has_password(db: Database) -> bool:
    return bool(practice.get_setting(db, HASH_KEY))


def set_password(db: Database, new: str, current: str | None = None) -> None:
    """Set the password; changing one needs the current one."""
    if has_password(db) and (current is None or not check_password(db, current)):
        raise ValidationError("Current password", "is not right")
    if len(new) < MIN_LENGTH:
        raise ValidationError("New password", f"needs at least {MIN_LENGTH} characters")
    practice.set_setting(db, HASH_KEY, _hasher.hash(new))


def check_password(db: Database, password: str) -> bool:
    stored = practice.get_setting(db, HASH_KEY)
    if not stored:
        return True
    try:
        return _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def idle_minutes(db: Database) -> int:
    value = practice.get_setting(db, IDLE_KEY, str(DEFAULT_IDLE_MINUTES))
    return int(value) if value.isdigit() and int(value) > 0 else DEFAULT_IDLE_MINUTES


def set_idle_minutes(db: Database, minutes: int) -> None:
    if not 1 <= minutes <= 240:
        raise ValidationError("Lock after", "must be between 1 and 240 minutes")
    practice.set_setting(db, IDLE_KEY, str(minutes))


@dataclass
class PasswordGate:
    """Slows down guessing: after three wrong tries each further one waits longer."""

    failures: int = 0
    not_before: float = 0.0
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)

    def wait_s(self) -> float:
        """Seconds before the next try is accepted (0 when it may be tried now)."""
        return max(0.0, self.not_before - self.clock())

    def attempt(self, db: Database, password: str) -> bool:
        if self.wait_s() > 0:
            return False
        if check_password(db, password):
            self.failures, self.not_before = 0, 0.0
            return True
        self.failures += 1
        if self.failures >= FREE_TRIES:
            delay = min(MAX_WAIT_S, 2.0 ** (self.failures - FREE_TRIES + 1))
            self.not_before = self.clock() + delay
        return False
