"""Mme Dubois with three sessions, and photos made in the tests with Pillow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import ExifTags, Image

from mesodesk.core.db import Database
from mesodesk.core.services import sessions
from tests.scenario import SESSION_ONE, Helene, make_helene

RED, GREEN, BLUE = (210, 30, 30), (30, 170, 60), (30, 60, 210)


@dataclass(frozen=True)
class Treated:
    """Mme Dubois (§2) after sessions 1 to 3, two weeks apart (2026-09-01, -15, -29)."""

    helene: Helene
    session_ids: tuple[int, ...]

    @property
    def db(self) -> Database:
        return self.helene.db

    @property
    def patient(self) -> int:
        return self.helene.patient


@pytest.fixture
def treated(db: Database) -> Treated:
    helene = make_helene(db)
    ids = tuple(
        sessions.record_session(db, helene.session(SESSION_ONE + dt.timedelta(days=14 * n))).id
        for n in range(3)
    )
    return Treated(helene, ids)


Picture = Callable[..., Path]


@pytest.fixture
def picture(tmp_path: Path) -> Picture:
    """``picture(name, colour, size=(300, 400), taken=None)``: a one-colour photo file,
    with the camera's date (and a GPS position) in its EXIF when ``taken`` is given."""
    folder = tmp_path / "camera"
    folder.mkdir()

    def make(
        name: str,
        colour: tuple[int, int, int],
        size: tuple[int, int] = (300, 400),
        taken: str | None = None,
    ) -> Path:
        path = folder / name
        image = Image.new("RGB", size, colour)
        exif = Image.Exif()
        if taken is not None:
            exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = taken
            exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] = "N"
        image.save(path, "PNG" if name.endswith(".png") else "JPEG", exif=exif.tobytes())
        return path

    return make
