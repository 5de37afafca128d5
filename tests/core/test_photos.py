"""Clinical photos: stored clean (no EXIF, no GPS), once, with consent, or refused whole."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from PIL import ExifTags, Image, PngImagePlugin

from mesodesk.core import photos as files
from mesodesk.core.attachments import photos_folder
from mesodesk.core.db import Database
from mesodesk.core.db.engine import make_engine
from mesodesk.core.enums import ConsentKind, PhotoView, Side
from mesodesk.core.errors import StorageError, ValidationError
from mesodesk.core.exchange.archive import export_archive
from mesodesk.core.exchange.archive_import import import_archive
from mesodesk.core.services import audit, photo_pairs, photos, screening, sessions
from mesodesk.core.services.photos import PhotoConsentError, PhotoTags
from tests.core.conftest import Helene, add_patient, count_rows

RED, BLUE = (220, 20, 20), (20, 20, 220)
THIGH_LEFT = PhotoTags(PhotoView.LEFT, "thigh_outer", Side.LEFT)


def camera_jpeg(
    path: Path,
    size: tuple[int, int] = (80, 40),
    *,
    orientation: int = 6,
    taken: str = "2026:09:01 10:31:07",
) -> Path:
    """A phone's JPEG: left half red, right half blue, with GPS, device, date and a comment."""
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Clinic Phone 12"
    exif[ExifTags.Base.Orientation] = orientation
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = taken
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (48.0, 51.0, 29.6)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 17.0, 40.2)
    image.save(path, "JPEG", exif=exif, quality=95, comment=b"Room 2, Dr Moreau")
    return path


def gps_of(path: Path) -> dict[int, object]:
    with Image.open(path) as image:
        return dict(image.getexif().get_ifd(ExifTags.IFD.GPSInfo))


def stored_files(folder: Path) -> list[str]:
    """Every file under the photos folder, previews and leftovers included."""
    if not folder.exists():
        return []
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def near(pixel: object, colour: tuple[int, int, int]) -> bool:
    assert isinstance(pixel, tuple)
    return all(abs(a - b) < 40 for a, b in zip(pixel[:3], colour, strict=True))


@pytest.fixture
def folder(helene: Helene) -> Path:
    return photos_folder(helene.db.path)


# --- what is stored ---------------------------------------------------------------------


def test_exif_and_gps_are_gone_from_the_stored_file_and_the_photo_is_upright(
    helene: Helene, folder: Path, tmp_path: Path
) -> None:
    source = camera_jpeg(tmp_path / "IMG_0412.jpg")
    assert gps_of(source)[ExifTags.GPS.GPSLatitudeRef] == "N"  # the camera did write it

    imported = photos.import_photo(helene.db, helene.patient, source, THIGH_LEFT)

    stored = folder / imported.sha256
    content = stored.read_bytes()
    assert hashlib.sha256(content).hexdigest() == imported.sha256
    with Image.open(stored) as image:
        assert image.format == "JPEG"
        assert len(image.getexif()) == 0
        assert gps_of(stored) == {}
        assert not {"exif", "comment", "xmp"} & set(image.info)
        # Orientation 6 (turn a quarter clockwise) is applied to the pixels themselves.
        assert image.size == (40, 80)
        assert near(image.getpixel((20, 10)), RED)
        assert near(image.getpixel((20, 70)), BLUE)
    for trace in (b"Exif", b"PhoneMaker", b"Clinic Phone", b"Room 2", b"2026:09:01"):
        assert trace not in content
    [entry] = photos.patient_photos(helene.db, helene.patient)
    assert (entry.width, entry.height, entry.mime_type) == (40, 80, "image/jpeg")
    assert entry.taken_on == imported.taken_on == dt.date(2026, 9, 1)  # the camera's day
    assert entry.original_name == "IMG_0412.jpg"
    assert entry.area == "Outer thigh (saddlebags), left"


def test_a_png_keeps_its_pixels_and_loses_its_text_and_exif(
    helene: Helene, folder: Path, tmp_path: Path
) -> None:
    image = Image.new("RGBA", (30, 20), (10, 200, 10, 128))
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] = "S"
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "Hélène's phone")
    source = tmp_path / "scan.png"
    image.save(source, "PNG", exif=exif.tobytes(), pnginfo=text)
    assert gps_of(source) == {ExifTags.GPS.GPSLatitudeRef: "S"}

    imported = photos.import_photo(
        helene.db, helene.patient, source, PhotoTags(PhotoView.BACK, "buttock", Side.BOTH)
    )

    with Image.open(folder / imported.sha256) as stored:
        assert stored.format == "PNG"
        assert stored.getpixel((3, 3)) == (10, 200, 10, 128)
        assert gps_of(folder / imported.sha256) == {}
        assert not {"exif", "Author"} & set(stored.info)
    assert photos.patient_photos(helene.db, helene.patient)[0].mime_type == "image/png"


def test_the_same_picture_twice_is_stored_once(
    helene: Helene, folder: Path, tmp_path: Path
) -> None:
    source = camera_jpeg(tmp_path / "IMG_1.jpg")
    copy = tmp_path / "copy of IMG_1.jpg"
    copy.write_bytes(source.read_bytes())

    first = photos.import_photo(helene.db, helene.patient, source, THIGH_LEFT)
    # The same picture shows the buttock too: a second row, the same file.
    second = photos.import_photo(
        helene.db, helene.patient, copy, PhotoTags(PhotoView.LEFT, "buttock", Side.BOTH)
    )

    assert second.sha256 == first.sha256
    assert (first.already_stored, second.already_stored) == (False, True)
    assert stored_files(folder) == sorted([first.sha256, f"thumbs/{first.sha256}.jpg"])
    with pytest.raises(ValidationError, match="already in the record"):
        photos.import_photo(helene.db, helene.patient, copy, THIGH_LEFT)
    other_side = PhotoTags(PhotoView.LEFT, "thigh_outer", Side.RIGHT)
    photos.import_photo(helene.db, helene.patient, copy, other_side)  # not the same tags
    assert len(photos.patient_photos(helene.db, helene.patient)) == 3
    assert (folder / first.sha256).is_file()  # the refusal did not take the shared file


# --- consent ----------------------------------------------------------------------------


def test_no_photo_is_stored_without_a_photo_consent(helene: Helene, tmp_path: Path) -> None:
    db = helene.db
    other = add_patient(db, "2026-0200", "Martin", "Anne")
    screening.record_consent(db, other, ConsentKind.TREATMENT, "3", dt.date(2026, 9, 1))
    source = camera_jpeg(tmp_path / "IMG_2.jpg")

    assert "has not signed the consent to clinical photographs" in (
        photos.photo_consent_problem(db, other) or ""
    )
    with pytest.raises(PhotoConsentError, match="Anne Martin has not signed the consent"):
        photos.import_photo(db, other, source, THIGH_LEFT)
    assert stored_files(photos_folder(db.path)) == []
    assert count_rows(db, "photo") == {"photo": 0}


def test_a_withdrawn_photo_consent_refuses_new_photos(helene: Helene, tmp_path: Path) -> None:
    db = helene.db
    [consent] = [c for c in screening.consents(db, helene.patient) if c.kind is ConsentKind.PHOTOS]
    screening.withdraw_consent(db, consent.id, dt.date(2026, 11, 2), "She asked by phone")

    with pytest.raises(PhotoConsentError, match=r"withdrew the consent .* on 2026-11-02"):
        photos.import_photo(db, helene.patient, camera_jpeg(tmp_path / "a.jpg"), THIGH_LEFT)
    assert stored_files(photos_folder(db.path)) == []


def test_a_photo_taken_before_the_consent_was_signed_is_refused_and_not_kept(
    helene: Helene, folder: Path, tmp_path: Path
) -> None:
    # Only the camera's date says so: the file is stored before the row is refused.
    source = camera_jpeg(tmp_path / "early.jpg", taken="2026:08:20 09:00:00")

    with pytest.raises(PhotoConsentError, match=r"signed .* on 2026-09-01, after this photo"):
        photos.import_photo(helene.db, helene.patient, source, THIGH_LEFT)
    assert stored_files(folder) == []
    assert count_rows(helene.db, "photo") == {"photo": 0}


# --- bad input --------------------------------------------------------------------------


def not_an_image(path: Path) -> Path:
    path.write_text("Patient list, not a photo\n")
    return path


def truncated_jpeg(path: Path) -> Path:
    camera_jpeg(path, (400, 300), orientation=1)
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) * 2 // 3])
    return path


def gif(path: Path) -> Path:
    Image.new("RGB", (10, 10), RED).save(path, "GIF")
    return path


def missing(path: Path) -> Path:
    return path  # never written: moved or deleted after it was chosen


BAD = {
    "not an image": ("notes.jpg", not_an_image, "notes.jpg is not a photo mesodesk can read"),
    "a truncated JPEG": ("cut.jpg", truncated_jpeg, "cut.jpg is cut short"),
    "a GIF": ("anim.gif", gif, "anim.gif is a GIF picture: only JPEG and PNG"),
    "a vanished file": ("gone.jpg", missing, "gone.jpg is no longer there"),
}


@pytest.mark.parametrize("case", BAD.values(), ids=BAD.keys())
def test_bad_input_is_refused_with_a_clear_message_and_leaves_nothing(
    helene: Helene, folder: Path, tmp_path: Path, case: tuple[str, object, str]
) -> None:
    name, make, message = case
    assert callable(make)
    source = make(tmp_path / name)
    before = photos.import_photo(
        helene.db, helene.patient, camera_jpeg(tmp_path / "kept.jpg"), THIGH_LEFT
    )
    kept = stored_files(folder)

    with pytest.raises(files.PhotoFileError, match=message):
        photos.import_photo(helene.db, helene.patient, source, THIGH_LEFT)

    assert stored_files(folder) == kept  # nothing half-stored, nothing lost
    assert [p.id for p in photos.patient_photos(helene.db, helene.patient)] == [before.photo_id]


def test_a_file_that_vanishes_while_it_is_imported_is_refused(
    helene: Helene, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = camera_jpeg(tmp_path / "IMG_3.jpg")
    checked = photos._consent_problem

    def check_then_unplug(*args: object) -> str | None:
        source.unlink()  # the USB stick is pulled once the import is under way
        return checked(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(photos, "_consent_problem", check_then_unplug)
    with pytest.raises(files.PhotoFileError, match=r"IMG_3\.jpg is no longer there"):
        photos.import_photo(helene.db, helene.patient, source, THIGH_LEFT)
    assert stored_files(folder) == []


def test_a_picture_over_the_size_limit_is_refused(
    helene: Helene, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "MAX_PIXELS", 2000)
    with pytest.raises(
        files.PhotoFileError, match=r"big\.jpg is too large \(0\.0032 megapixels\): at most 0\.002"
    ):
        photos.import_photo(
            helene.db, helene.patient, camera_jpeg(tmp_path / "big.jpg"), THIGH_LEFT
        )
    assert stored_files(folder) == []


@pytest.mark.slow
def test_a_100_megapixel_photo_is_kept_whole_and_shown_downscaled(
    helene: Helene, folder: Path, tmp_path: Path
) -> None:
    source = tmp_path / "scanner.jpg"
    huge = Image.new("RGB", (12_000, 8_400), BLUE)  # 100.8 megapixels
    huge.paste(RED, (0, 0, 6_000, 8_400))
    huge.save(source, "JPEG", quality=80)
    del huge

    imported = photos.import_photo(helene.db, helene.patient, source, THIGH_LEFT)

    [entry] = photos.patient_photos(helene.db, helene.patient)
    assert (entry.width, entry.height) == (12_000, 8_400)
    shown = files.display_file(folder, imported.sha256, entry.width, entry.height)
    thumb = files.thumbnail_file(folder, imported.sha256)
    assert shown is not None and shown != folder / imported.sha256
    assert thumb is not None
    with Image.open(shown) as display, Image.open(thumb) as small:
        assert display.size == (2048, 1434)
        assert max(small.size) == files.THUMB_PX
        assert near(display.getpixel((100, 700)), RED)
        assert near(display.getpixel((1900, 700)), BLUE)


# --- previews ---------------------------------------------------------------------------


def test_a_first_look_gives_the_camera_day_and_an_upright_preview(tmp_path: Path) -> None:
    look = files.first_look(camera_jpeg(tmp_path / "IMG_7.jpg", (400, 200)), 96)

    assert look.taken_on == dt.date(2026, 9, 1)
    with Image.open(io.BytesIO(look.preview)) as preview:
        assert preview.size == (48, 96)  # turned upright like the stored photo
        assert near(preview.getpixel((24, 10)), RED)
    with pytest.raises(files.PhotoFileError, match=r"cut\.jpg is cut short"):
        files.first_look(truncated_jpeg(tmp_path / "cut.jpg"))


def test_thumbnails_are_cached_and_rebuilt_when_missing(
    helene: Helene, folder: Path, tmp_path: Path
) -> None:
    imported = photos.import_photo(
        helene.db, helene.patient, camera_jpeg(tmp_path / "t.jpg", (600, 300)), THIGH_LEFT
    )
    thumb = folder / "thumbs" / f"{imported.sha256}.jpg"
    assert thumb.is_file()
    with Image.open(thumb) as small:
        assert small.size == (128, 256)  # upright, fitted in 256 pixels

    thumb.unlink()
    assert files.thumbnail_file(folder, imported.sha256) == thumb
    assert thumb.is_file()
    # A small photo is shown from the original itself.
    assert files.display_file(folder, imported.sha256, 300, 600) == folder / imported.sha256

    (folder / imported.sha256).unlink()
    thumb.unlink()
    assert files.thumbnail_file(folder, imported.sha256) is None


def test_a_photos_folder_that_cannot_be_written_keeps_nothing(
    helene: Helene, folder: Path, tmp_path: Path
) -> None:
    folder.write_text("a file where the photos folder should be")
    with pytest.raises(StorageError, match="could not be stored"):
        photos.import_photo(helene.db, helene.patient, camera_jpeg(tmp_path / "x.jpg"), THIGH_LEFT)
    assert count_rows(helene.db, "photo") == {"photo": 0}


# --- tags, voiding, pairs ---------------------------------------------------------------


def test_tags_are_checked_against_the_region_and_the_patient(
    helene: Helene, tmp_path: Path
) -> None:
    db = helene.db
    source = camera_jpeg(tmp_path / "IMG_4.jpg")
    with pytest.raises(ValidationError, match="Side: choose left, right or both"):
        photos.import_photo(db, helene.patient, source, PhotoTags(PhotoView.LEFT, "thigh_outer"))
    with pytest.raises(ValidationError, match="Area: 'elbowz' is not a known region"):
        photos.import_photo(db, helene.patient, source, PhotoTags(PhotoView.LEFT, "elbowz"))
    helenes_session = sessions.record_session(db, helene.session()).id
    other = add_patient(db, "2026-0201")
    screening.record_consent(db, other, ConsentKind.PHOTOS, "3", dt.date(2026, 9, 1))
    with pytest.raises(ValidationError, match="Session: is not one of this patient's"):
        photos.import_photo(
            db, other, source, PhotoTags(PhotoView.SCALP_TOP, "scalp_vertex", None, helenes_session)
        )
    assert count_rows(db, "photo") == {"photo": 0}


def test_a_photo_at_a_session_takes_its_number_and_is_voided_with_a_reason(
    helene: Helene, tmp_path: Path
) -> None:
    db = helene.db
    session_id = sessions.record_session(db, helene.session()).id
    plain = tmp_path / "plain.jpg"
    Image.new("RGB", (20, 20), RED).save(plain)  # no EXIF date: the session's day is used
    imported = photos.import_photo(
        db, helene.patient, plain, PhotoTags(PhotoView.FRONT, "buttock", Side.BOTH, session_id)
    )
    [entry] = photos.patient_photos(db, helene.patient)
    assert (entry.session_label, entry.taken_on) == ("S1", dt.date(2026, 9, 1))
    assert entry.caption == "2026-09-01 · S1 (session 1)"

    with pytest.raises(ValidationError, match="Reason"):
        photos.void_photo(db, imported.photo_id, "")
    photos.void_photo(db, imported.photo_id, "Wrong patient in the picture")
    assert photos.patient_photos(db, helene.patient) == []
    [*_, last] = audit.record_history(db, "photo", imported.photo_id)
    assert last.reason == "Wrong patient in the picture"


def test_pairs_chosen_for_the_pdf(helene: Helene, tmp_path: Path) -> None:
    db = helene.db
    before = photos.import_photo(
        db, helene.patient, camera_jpeg(tmp_path / "a.jpg", taken="2026:09:01 10:00:00"),
        THIGH_LEFT,
    ).photo_id  # fmt: skip
    after = photos.import_photo(
        db, helene.patient,
        camera_jpeg(tmp_path / "b.jpg", (82, 40), taken="2026:11:24 10:00:00"), THIGH_LEFT,
    ).photo_id  # fmt: skip

    pair = photo_pairs.choose_pair_for_pdf(db, after, before)  # either order: the older is before
    assert photo_pairs.choose_pair_for_pdf(db, before, after) == pair
    assert photo_pairs.pair_for(db, after, before) == pair
    [chosen] = photo_pairs.pdf_pairs(db, helene.patient)
    assert (chosen.before.id, chosen.after.id) == (before, after)
    with pytest.raises(ValidationError, match="two different photos"):
        photo_pairs.choose_pair_for_pdf(db, before, before)

    photos.void_photo(db, after, "Blurred")
    assert photo_pairs.pdf_pairs(db, helene.patient) == []
    photo_pairs.drop_pair_from_pdf(db, pair)
    assert photo_pairs.pair_for(db, before, after) is None


# --- the archive ------------------------------------------------------------------------


def test_imported_photos_go_through_the_archive_unchanged(
    helene: Helene, folder: Path, tmp_path: Path
) -> None:
    db: Database = helene.db
    first = photos.import_photo(db, helene.patient, camera_jpeg(tmp_path / "a.jpg"), THIGH_LEFT)
    second = photos.import_photo(
        db, helene.patient, camera_jpeg(tmp_path / "b.jpg", (60, 60)),
        PhotoTags(PhotoView.BACK, "buttock", Side.BOTH),
    )  # fmt: skip
    photo_pairs.choose_pair_for_pdf(db, first.photo_id, second.photo_id)
    out = tmp_path / "practice.zip"
    export_archive(db, out, photos_dir=folder)
    with zipfile.ZipFile(out) as archive:
        attached = {n for n in archive.namelist() if n.startswith("attachments/")}
    assert attached == {f"attachments/{first.sha256}", f"attachments/{second.sha256}"}

    moved = tmp_path / "laptop" / "record.sqlite"
    import_archive(out, moved, photos_dir=photos_folder(moved))
    copy = Database(moved, make_engine(moved))
    try:
        entries = photos.patient_photos(copy, helene.patient)
        assert entries == photos.patient_photos(db, helene.patient)
        assert len(photo_pairs.pdf_pairs(copy, helene.patient)) == 1
        new_folder = photos_folder(moved)
        for entry in entries:
            assert (new_folder / entry.sha256).read_bytes() == (folder / entry.sha256).read_bytes()
            thumb = files.thumbnail_file(new_folder, entry.sha256)  # rebuilt on the new laptop
            assert thumb is not None
            with Image.open(io.BytesIO(thumb.read_bytes())) as small:
                assert small.format == "JPEG"
    finally:
        copy.close()
