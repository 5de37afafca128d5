"""The before/after photos chosen for paper are in the printed history, pictures and words."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from mesodesk.core.attachments import photos_folder
from mesodesk.core.enums import PhotoView, Side
from mesodesk.core.services import photo_pairs, photos
from mesodesk.core.services.photos import PhotoTags
from mesodesk.reports.history import write_history_pdf
from tests.reports.conftest import Treated, pdf_text

pytestmark = pytest.mark.usefixtures("qapp")

RED, GREEN = (200, 30, 30), (30, 160, 60)


def pictures(path: Path) -> list[Image.Image]:
    return [
        image.image
        for page in PdfReader(path).pages
        for image in page.images
        if image.image is not None
    ]


def mostly(image: Image.Image, colour: tuple[int, int, int]) -> bool:
    r, g, b = image.convert("RGB").resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))  # type: ignore[misc]
    return all(abs(a - c) < 40 for a, c in zip((r, g, b), colour, strict=True))


def photo_at(treated: Treated, tmp_path: Path, number: int, colour: tuple[int, int, int]) -> int:
    """A photo of the left outer thigh at session ``number`` (1 to 7: S8 is still to come)."""
    source = tmp_path / f"thigh-s{number}.jpg"
    Image.new("RGB", (300, 400), colour).save(source)
    tags = PhotoTags(PhotoView.LEFT, "thigh_outer", Side.LEFT, treated.session_ids[number - 1])
    return photos.import_photo(treated.db, treated.helene.patient, source, tags).photo_id


def test_a_chosen_pair_prints_side_by_side_with_dates_and_sessions(
    treated: Treated, tmp_path: Path
) -> None:
    db, patient = treated.db, treated.helene.patient
    plain = tmp_path / "plain.pdf"
    write_history_pdf(db, patient, plain)
    before = photo_at(treated, tmp_path, 1, RED)
    photo_at(treated, tmp_path, 4, (120, 120, 120))  # in the record, not chosen
    after = photo_at(treated, tmp_path, 7, GREEN)
    assert "Photographs, before and after" not in pdf_text(plain)

    photo_pairs.choose_pair_for_pdf(db, before, after)
    out = tmp_path / "with photos.pdf"
    write_history_pdf(db, patient, out)

    text = pdf_text(out)
    assert "Photographs, before and after" in text
    assert "A true copy of the treatment record kept for this patient." in text  # what follows
    assert "Outer thigh (saddlebags), left" in text
    assert "Before: 2026-09-01 · S1 (session 1)" in text
    assert "After: 2026-11-24 · S7 (session 7)" in text
    added = pictures(out)[len(pictures(plain)) :]
    assert len(added) == 2  # the pair, and not the photo of session 4
    assert mostly(added[0], RED) and mostly(added[1], GREEN)


def test_a_pair_whose_file_is_missing_says_so(treated: Treated, tmp_path: Path) -> None:
    db, patient = treated.db, treated.helene.patient
    before = photo_at(treated, tmp_path, 1, RED)
    after = photo_at(treated, tmp_path, 7, GREEN)
    photo_pairs.choose_pair_for_pdf(db, before, after)
    [gone] = [p for p in photos.patient_photos(db, patient) if p.id == after]
    folder = photos_folder(db.path)
    (folder / gone.sha256).unlink()
    (folder / "thumbs" / f"{gone.sha256}.jpg").unlink()

    out = tmp_path / "history.pdf"
    write_history_pdf(db, patient, out)

    assert "The photo file is missing from the photos folder." in pdf_text(out)
    assert "After: 2026-11-24 · S7 (session 7)" in pdf_text(out)
