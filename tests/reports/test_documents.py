"""The aftercare sheet and the consent forms, read back from the PDF."""

from __future__ import annotations

from pathlib import Path

import pytest

from mesodesk.core.enums import ConsentKind
from mesodesk.core.errors import NotFoundError
from mesodesk.core.services import catalogue
from mesodesk.reports.aftercare import write_aftercare_pdf
from mesodesk.reports.consent import write_consent_pdf
from mesodesk.reports.consent_text import CONSENT_TEXTS
from tests.core.conftest import add_patient
from tests.reports.conftest import Treated, page_texts, pdf_text, unspaced

pytestmark = pytest.mark.usefixtures("qapp")


def test_the_aftercare_sheet_is_for_the_patient_and_her_session(
    treated: Treated, tmp_path: Path
) -> None:
    out = tmp_path / "aftercare.pdf"
    write_aftercare_pdf(treated.db, treated.session_ids[0], out)
    text = pdf_text(out)
    version, title, sections = catalogue.aftercare_sheet(treated.db)
    assert title in text
    for section in sections:
        assert str(section["heading"]) in text
    items = sections[1]["items"]
    assert isinstance(items, list)
    assert unspaced(items[0]) in unspaced(text)
    assert "Hélène Dubois" in text and "2026-0142" in text
    assert "session 1" in text and "2026-09-01" in text
    assert "Outer thigh (saddlebags), left" in text and "Buttock, both sides" in text
    assert "Call the practice on 01 23 45 67 89" in text
    assert f"version {version}" in text
    assert "Page 1 of" in text


def test_the_aftercare_sheet_of_an_unknown_session_is_refused(
    treated: Treated, tmp_path: Path
) -> None:
    with pytest.raises(NotFoundError):
        write_aftercare_pdf(treated.db, 9999, tmp_path / "aftercare.pdf")
    assert list(tmp_path.iterdir()) == [tmp_path / "record"]


@pytest.mark.parametrize("kind", list(ConsentKind))
def test_a_consent_form_is_filled_in_for_the_patient(
    treated: Treated, tmp_path: Path, kind: ConsentKind
) -> None:
    out = tmp_path / "consent.pdf"
    write_consent_pdf(treated.db, treated.helene.patient, kind, out)
    text = pdf_text(out)
    form = CONSENT_TEXTS[kind]
    assert form.title in text
    assert f"Text version: {form.version}" in text
    assert "Hélène Dubois" in text and "1984-05-12" in text and "2026-0142" in text
    for statement in form.statements:
        assert unspaced(statement) in unspaced(text)
    assert "Cabinet Moreau" in text and "Dr Claire Moreau" in text
    assert text.count("Signature") >= 2  # the patient's and the practitioner's


def test_the_treatment_consent_lists_the_side_effects(treated: Treated, tmp_path: Path) -> None:
    out = tmp_path / "consent.pdf"
    write_consent_pdf(treated.db, treated.helene.patient, ConsentKind.TREATMENT, out)
    text = pdf_text(out).lower()
    for effect in ("bruising", "swelling", "itching", "nausea", "hyperpigmentation", "infection"):
        assert effect in text


def test_a_consent_form_prints_a_hostile_name_as_typed(treated: Treated, tmp_path: Path) -> None:
    patient = add_patient(treated.db, "Y-1", family="<i>Smith</i>", given="<b>x</b>")
    out = tmp_path / "consent.pdf"
    write_consent_pdf(treated.db, patient, ConsentKind.PHOTOS, out)
    pages = page_texts(out)
    assert unspaced("<b>x</b> <i>Smith</i>") in unspaced(pages[0])
