"""The printed history, read back with pdftotext (or pypdf) as its reader would."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pypdf import PdfReader

from mesodesk.core.enums import Sex
from mesodesk.core.exchange.progress import Cancelled
from mesodesk.reports.history import write_history_pdf
from tests.core.conftest import _open_copy, add_patient
from tests.reports.conftest import Treated, page_texts, pdf_text, unspaced
from tests.reports.record import VOID_REASON

pytestmark = pytest.mark.usefixtures("qapp")


@pytest.fixture(scope="module")
def history_pdf(
    qapp: object,
    treated_template: tuple[Path, Treated],
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, dt.date, dt.date]:
    """Mme Dubois's history written once for the tests that only read it, with the
    dates before and after it was written (a test may run across midnight)."""
    template, built = treated_template
    database = _open_copy(template, tmp_path_factory.mktemp("history"))
    out = database.path.with_name("history.pdf")
    before = dt.date.today()
    try:
        write_history_pdf(database, built.helene.patient, out)
    finally:
        database.close()
    return out, before, dt.date.today()


@pytest.fixture
def history_text(history_pdf: tuple[Path, dt.date, dt.date]) -> str:
    return pdf_text(history_pdf[0])


def test_the_history_names_the_patient_and_the_clinic(history_text: str) -> None:
    assert "Hélène Dubois" in history_text
    assert "2026-0142" in history_text
    assert "1984-05-12" in history_text
    assert "06 12 34 56 78" in history_text
    assert "Cabinet Moreau" in history_text
    assert "75011 Paris" in history_text
    assert "Dr Claire Moreau" in history_text
    assert "RPPS 10101" in history_text


def test_the_history_holds_screening_and_consents(history_text: str) -> None:
    assert "Current screening, 2026-09-01" in history_text
    assert "none known" in history_text
    assert "No contraindication found" in history_text
    assert "Photographs" in history_text and "Treatment" in history_text


def test_every_session_is_printed_with_its_lots_and_areas(history_text: str) -> None:
    for day in ("2026-09-01", "2026-09-15", "2026-12-08"):
        assert day in history_text
    for lot in ("CAF-24-117", "LC-2409-A"):
        assert lot in history_text
    assert "exp. 2027-03-31" in history_text
    assert "Cafeína 1%" in history_text and "L-carnitine 20%" in history_text
    for words in ("Outer thigh", "Buttock", "Nappage", "Papule", "30 G 4 mm", "1.5 mm"):
        assert words in history_text
    assert "S8" in history_text


def test_codes_are_printed_as_words(history_text: str) -> None:
    words = set(history_text.replace(",", " ").split())
    for code in ("nappage", "papule", "bruising", "mild", "female", "buttock", "circumference"):
        assert code not in words, code
    for code in ("thigh_outer", "manual_needle", "css_total", "injection_site"):
        assert code not in history_text, code
    assert "Mesotherapy gun" in history_text
    assert "Bruising" in history_text and "Mild" in history_text
    assert "Cellulite" in history_text


def test_a_voided_session_is_printed_with_its_reason(history_text: str) -> None:
    assert "2026-09-16" in history_text  # the session recorded in error
    assert "Voided" in history_text
    assert VOID_REASON in history_text


def test_side_effects_and_measurements_are_printed(history_text: str) -> None:
    assert "Bruising" in history_text
    assert "2026-09-02" in history_text and "2026-09-09" in history_text  # onset, resolved
    assert "Cold pack advised" in history_text
    assert "58.5 cm" in history_text
    assert "left thigh, 15 cm above" in history_text
    assert "Grade II" in history_text


def test_every_page_says_its_number_and_the_printing_date(
    history_pdf: tuple[Path, dt.date, dt.date],
) -> None:
    out, before, after = history_pdf
    pages = page_texts(out)
    assert len(pages) == len(PdfReader(out).pages) > 1
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert any(f"Printed on {d.isoformat()}" in text for d in (before, after))
    assert "Signature" in pdf_text(out)


def test_the_progress_plots_are_pictures_in_the_pdf(
    history_pdf: tuple[Path, dt.date, dt.date],
) -> None:
    pictures = [image for page in PdfReader(history_pdf[0]).pages for image in page.images]
    assert pictures
    assert max(p.image.width for p in pictures if p.image is not None) >= 1000  # print dpi


def test_a_name_with_markup_prints_as_typed(treated: Treated, tmp_path: Path) -> None:
    db = treated.db
    patient = add_patient(
        db, "X-1", family="O'Brien & <i>Sons</i>", given="<b>x</b>", sex=Sex.MALE,
        notes="<script>alert(1)</script>", address="1 <u>Main</u> Street",
    )  # fmt: skip
    out = tmp_path / "hostile.pdf"
    write_history_pdf(db, patient, out)
    text = unspaced(pdf_text(out))
    assert unspaced("<b>x</b> O'Brien & <i>Sons</i>") in text
    assert unspaced("1 <u>Main</u> Street") in text


def test_a_patient_without_treatment_gets_a_short_history(treated: Treated, tmp_path: Path) -> None:
    patient = add_patient(treated.db, "2026-0200", family="Martin", given="Anne")
    out = tmp_path / "empty.pdf"
    write_history_pdf(treated.db, patient, out)
    text = pdf_text(out)
    assert "Anne Martin" in text
    assert "Not screened yet." in text
    assert "No consent recorded." in text
    assert "No course of treatment recorded." in text
    assert "Page 1 of 1" in text


def test_progress_is_reported_up_to_the_end(treated: Treated, tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    write_history_pdf(
        treated.db,
        treated.helene.patient,
        tmp_path / "h.pdf",
        progress=lambda d, t: calls.append((d, t)),
    )
    done = [d for d, _ in calls]
    assert done == sorted(done)
    assert calls[-1][0] == calls[-1][1] > 0


def test_a_cancelled_history_leaves_no_file(treated: Treated, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "history.pdf"

    def cancel_while_writing(_done: int, _total: int) -> None:
        if any(folder.iterdir()):  # the temporary file is there: pages are being written
            raise Cancelled()

    with pytest.raises(Cancelled):
        write_history_pdf(treated.db, treated.helene.patient, target, progress=cancel_while_writing)
    assert list(folder.iterdir()) == []


def test_a_failed_write_keeps_the_previous_file(treated: Treated, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "history.pdf"
    target.write_bytes(b"the copy printed last week")

    def fail_while_writing(_done: int, _total: int) -> None:
        if len(list(folder.iterdir())) > 1:
            raise RuntimeError("the disk went away")

    with pytest.raises(RuntimeError):
        write_history_pdf(treated.db, treated.helene.patient, target, progress=fail_while_writing)
    assert list(folder.iterdir()) == [target]
    assert target.read_bytes() == b"the copy printed last week"
