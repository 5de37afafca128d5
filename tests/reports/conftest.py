"""Fixtures of the printed documents: Mme Dubois's record after her course (§2)."""

from __future__ import annotations

import dataclasses
import subprocess
from collections.abc import Iterator
from pathlib import Path
from shutil import which

import pytest
from pypdf import PdfReader

from mesodesk.core.db import Database
from mesodesk.core.services import practice
from tests.core.conftest import _freeze, _open_copy
from tests.reports.record import record_course
from tests.scenario import Helene, make_helene

CLINIC = practice.ClinicInfo("Cabinet Moreau", "12 rue des Lilas\n75011 Paris", "01 23 45 67 89")


@dataclasses.dataclass(frozen=True)
class Treated:
    """Mme Dubois after §2: her course of eight sessions, and the ids of those sessions."""

    helene: Helene
    session_ids: tuple[int, ...]

    @property
    def db(self) -> Database:
        return self.helene.db


@pytest.fixture(scope="session")
def treated_template(
    template_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Treated]:
    """Built once through the services; each test gets a copy of the file."""
    database = _open_copy(template_db, tmp_path_factory.mktemp("treated"))
    helene = make_helene(database)
    practice.set_clinic_info(database, CLINIC)
    ids = record_course(helene)
    return _freeze(database), Treated(helene, tuple(ids))


@pytest.fixture
def treated(treated_template: tuple[Path, Treated], tmp_path: Path) -> Iterator[Treated]:
    template, built = treated_template
    folder = tmp_path / "record"
    folder.mkdir()
    database = _open_copy(template, folder)
    helene = built.helene
    helene = dataclasses.replace(helene, clinic=dataclasses.replace(helene.clinic, db=database))
    yield Treated(helene, built.session_ids)
    database.close()


def page_texts(path: Path) -> list[str]:
    """The text of each page as a reader that mesodesk did not write sees it.

    pdftotext (poppler) where it is installed, else pypdf. Runs of white space, the
    line breaks of wrapped table cells and no-break spaces included, become one space.
    """
    if which("pdftotext"):
        done = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(path), "-"],
            capture_output=True,
            check=True,
            text=True,
            encoding="utf-8",
        )
        pages = done.stdout.split("\f")[:-1]  # each page ends with a form feed
    else:
        pages = [page.extract_text() for page in PdfReader(path).pages]
    return [" ".join(page.split()) for page in pages]


def pdf_text(path: Path) -> str:
    """The whole text of a PDF (see :func:`page_texts`)."""
    return " ".join(page_texts(path))


def unspaced(text: str) -> str:
    """Text without any white space: for words a narrow cell may break anywhere."""
    return "".join(text.split())


def page_sizes(path: Path) -> list[tuple[int, int]]:
    """Each page's size in points, from the PDF's media boxes."""
    return [
        (round(float(page.mediabox.width)), round(float(page.mediabox.height)))
        for page in PdfReader(path).pages
    ]
