"""Checks shared by the services; each raises ValidationError naming the field."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any, Literal, TypeVar, overload

from sqlalchemy.orm import Session

from mesodesk.core.errors import NotFoundError, ValidationError

T = TypeVar("T")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
EARLIEST_BIRTH = dt.date(1900, 1, 1)


def text(field: str, value: str, *, required: bool = False, max_length: int = 200) -> str:
    if not isinstance(value, str):
        raise ValidationError(field, "must be text")
    cleaned = value.strip()
    if required and not cleaned:
        raise ValidationError(field, "is required")
    if len(cleaned) > max_length:
        raise ValidationError(
            field, f"is too long ({len(cleaned)} characters, at most {max_length})"
        )
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in cleaned):
        raise ValidationError(field, "contains control characters")
    return cleaned


@overload
def number(
    field: str,
    value: float | int | None,
    *,
    minimum: float | None = ...,
    maximum: float | None = ...,
    exclusive_minimum: bool = ...,
    required: Literal[True] = ...,
    unit: str = ...,
) -> float: ...
@overload
def number(
    field: str,
    value: float | int | None,
    *,
    minimum: float | None = ...,
    maximum: float | None = ...,
    exclusive_minimum: bool = ...,
    required: bool,
    unit: str = ...,
) -> float | None: ...
def number(
    field: str,
    value: float | int | None,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    exclusive_minimum: bool = False,
    required: bool = True,
    unit: str = "",
) -> float | None:
    suffix = f" {unit}" if unit else ""
    if value is None:
        if required:
            raise ValidationError(field, "is required")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(field, "must be a number")
    try:
        value = float(value)
    except OverflowError:
        raise ValidationError(field, "is far too large") from None
    if not math.isfinite(value):
        raise ValidationError(field, "must be a finite number")
    if minimum is not None:
        if exclusive_minimum and value <= minimum:
            raise ValidationError(field, f"must be more than {minimum:g}{suffix}")
        if not exclusive_minimum and value < minimum:
            raise ValidationError(field, f"must be at least {minimum:g}{suffix}")
    if maximum is not None and value > maximum:
        raise ValidationError(field, f"must be at most {maximum:g}{suffix}")
    return float(value)


@overload
def integer(
    field: str,
    value: int | None,
    *,
    minimum: int | None = ...,
    maximum: int | None = ...,
    required: Literal[True] = ...,
) -> int: ...
@overload
def integer(
    field: str,
    value: int | None,
    *,
    minimum: int | None = ...,
    maximum: int | None = ...,
    required: bool,
) -> int | None: ...
def integer(
    field: str,
    value: int | None,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    required: bool = True,
) -> int | None:
    if value is None:
        if required:
            raise ValidationError(field, "is required")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, "must be a whole number")
    if minimum is not None and value < minimum:
        raise ValidationError(field, f"must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise ValidationError(field, f"must be at most {maximum}")
    return value


@overload
def date(
    field: str,
    value: dt.date | None,
    *,
    required: Literal[True] = ...,
    not_after: dt.date | None = ...,
    not_before: dt.date | None = ...,
) -> dt.date: ...
@overload
def date(
    field: str,
    value: dt.date | None,
    *,
    required: bool,
    not_after: dt.date | None = ...,
    not_before: dt.date | None = ...,
) -> dt.date | None: ...
def date(
    field: str,
    value: dt.date | None,
    *,
    required: bool = True,
    not_after: dt.date | None = None,
    not_before: dt.date | None = None,
) -> dt.date | None:
    if value is None:
        if required:
            raise ValidationError(field, "is required")
        return None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError(field, "must be a date")
    if not_after is not None and value > not_after:
        raise ValidationError(field, f"cannot be after {not_after.isoformat()}")
    if not_before is not None and value < not_before:
        raise ValidationError(field, f"cannot be before {not_before.isoformat()}")
    return value


def choice(field: str, value: object, allowed: type[T]) -> T:
    try:
        return allowed(value)  # type: ignore[call-arg]
    except ValueError:
        options = ", ".join(str(member.value) for member in allowed)  # type: ignore[attr-defined]
        raise ValidationError(field, f"{value!r} is not one of: {options}") from None


def email(field: str, value: str) -> str:
    cleaned = text(field, value, max_length=200)
    if cleaned and not _EMAIL.match(cleaned):
        raise ValidationError(field, f"{cleaned!r} is not an e-mail address")
    return cleaned


def phone(field: str, value: str) -> str:
    cleaned = text(field, value, max_length=40)
    if cleaned and not re.fullmatch(r"[0-9+() .\-/]+", cleaned):
        raise ValidationError(field, "may hold only digits, spaces and + ( ) . - /")
    digit_count = sum(ch.isdigit() for ch in cleaned)
    if cleaned and not 4 <= digit_count <= 20:
        raise ValidationError(field, "needs between 4 and 20 digits")
    return cleaned


def reason(field: str, value: str) -> str:
    cleaned = text(field, value, required=True, max_length=1000)
    if len(cleaned) < 3:
        raise ValidationError(field, "needs a few words saying why")
    return cleaned


def get(session: Session, model: type[T], key: Any, what: str) -> T:
    row = session.get(model, key)
    if row is None:
        raise NotFoundError(what, key)
    return row
