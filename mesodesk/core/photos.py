"""The photo files: checking a picture, cleaning it, storing it by its hash, and its previews.

A clinical photo goes into the ``photos`` folder beside the record
(:func:`mesodesk.core.attachments.photos_folder`) under the SHA-256 of its stored content,
so the same picture imported twice is one file. Before it is stored the picture is decoded
in full (a file that is not a JPEG or PNG, or is cut short, is refused) and written anew
from its pixels: the camera's EXIF (GPS position, device, dates), XMP and comments stay
behind, the EXIF orientation is applied to the pixels, and only the colour profile is kept
(it says how the colours are meant to look, nothing about the patient).

Previews are cached beside the originals and rebuilt when missing: ``thumbs/<sha>.jpg``
for the timeline, ``display/<sha>.jpg`` for pictures too large to show as they are (a
100-megapixel original is kept, and shown downscaled).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import os
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from mesodesk.core.errors import MesodeskError, StorageError

MIME_TYPES = {"JPEG": "image/jpeg", "MPO": "image/jpeg", "PNG": "image/png"}
"""What is accepted: JPEG (MPO is a phone's JPEG with a second, depth picture) and PNG."""
ONLY = ": only JPEG and PNG photos are taken."
MAX_PIXELS = 150_000_000
MAX_FILE_BYTES = 400 * 1024 * 1024
THUMB_PX = 256
DISPLAY_PX = 2048
JPEG_QUALITY = 95  # a clinical photo is compared detail by detail: little loss
PREVIEW_QUALITY = 88
THUMBS = "thumbs"
DISPLAY = "display"


class PhotoFileError(MesodeskError):
    """A file that cannot become a clinical photo; the message names it and says why."""


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A cleaned picture in the photos folder."""

    sha256: str
    mime_type: str
    width: int
    height: int
    taken_on: dt.date | None
    """The day the camera wrote in its EXIF (read before it was removed), if any."""
    created: bool
    """False when the same picture was already stored: nothing was written."""


@contextlib.contextmanager
def _large_pictures_allowed() -> Iterator[None]:
    # Pillow warns above ~89 megapixels; mesodesk checks the size itself (MAX_PIXELS).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        yield


def read_source(path: Path) -> bytes:
    """The bytes of a file chosen for import, read at once, or a clear refusal."""
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise PhotoFileError(
                f"{name} is too large to be a photo ({size / 1e6:.0f} MB; at most "
                f"{MAX_FILE_BYTES / 1e6:.0f} MB)."
            )
        with path.open("rb") as stream:
            return stream.read()
    except FileNotFoundError:
        raise PhotoFileError(
            f"{name} is no longer there (moved, renamed or deleted, or the drive was "
            "removed). Nothing of it was stored."
        ) from None
    except IsADirectoryError:
        raise PhotoFileError(f"{name} is a folder, not a photo.") from None
    except OSError as exc:
        raise PhotoFileError(f"{name} cannot be read: {exc.strerror or exc}.") from None


@contextlib.contextmanager
def _reading(name: str) -> Iterator[None]:
    """Turn what Pillow raises on a bad file into a message the practitioner understands."""
    try:
        with _large_pictures_allowed():
            yield
    except Image.DecompressionBombError:
        raise PhotoFileError(_too_large(name, None)) from None
    except UnidentifiedImageError:
        raise PhotoFileError(f"{name} is not a photo mesodesk can read{ONLY}") from None
    except FileNotFoundError:
        raise PhotoFileError(f"{name} is no longer there (moved, renamed or deleted).") from None
    except (OSError, SyntaxError, ValueError) as exc:
        cut = "truncated" in str(exc).lower()
        why = "is cut short (an incomplete copy)" if cut else "is damaged"
        raise PhotoFileError(
            f"{name} {why}: it cannot be read to the end. Copy it again from the camera "
            "or phone. Nothing of it was stored."
        ) from None


def _opened(image: Image.Image, name: str) -> Image.Image:
    """``image`` if it is a JPEG or PNG of an acceptable size (known from its header)."""
    if image.format not in MIME_TYPES:
        raise PhotoFileError(f"{name} is a {image.format} picture{ONLY}")
    if image.width * image.height > MAX_PIXELS:
        raise PhotoFileError(_too_large(name, image.width * image.height))
    return image


def open_picture(data: bytes, name: str) -> Image.Image:
    """The picture in ``data``, fully decoded: refused if not JPEG or PNG, cut short or huge."""
    with _reading(name):
        image = _opened(Image.open(io.BytesIO(data)), name)
        image.load()
    return image


def _too_large(name: str, pixels: int | None) -> str:
    size = f" ({pixels / 1e6:.3g} megapixels)" if pixels else ""
    return f"{name} is too large{size}: at most {MAX_PIXELS / 1e6:g} megapixels are taken."


def exif_taken_on(image: Image.Image) -> dt.date | None:
    """The day the photo was taken, as the camera wrote it (DateTimeOriginal, else DateTime)."""
    exif = image.getexif()
    stamp = exif.get_ifd(ExifTags.IFD.Exif).get(ExifTags.Base.DateTimeOriginal) or exif.get(
        ExifTags.Base.DateTime
    )
    if not isinstance(stamp, str):
        return None
    try:
        return dt.datetime.strptime(stamp.strip()[:10], "%Y:%m:%d").date()
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class FirstLook:
    """A file chosen for import, looked at before it is imported."""

    taken_on: dt.date | None
    """The day the camera wrote in it, if any."""
    preview: bytes
    """A small upright JPEG of it."""


def first_look(path: Path, size: int = 96) -> FirstLook:
    """Look at a file chosen for import: its camera day and a small picture of it.

    Decoding it (at a fraction of its size, for a JPEG) refuses at once a file that is
    not a JPEG or PNG, is too large or is cut short; nothing is stored.
    """
    with _reading(path.name), Image.open(path) as image:
        _opened(image, path.name)
        taken_on = exif_taken_on(image)
        image.thumbnail((size, size))
        return FirstLook(taken_on, _as_jpeg(ImageOps.exif_transpose(image)))


def clean_bytes(image: Image.Image) -> bytes:
    """The picture written anew from its pixels, without its metadata.

    ``image`` is turned upright in place (no second copy of a huge photo) and loses its
    metadata; the previews are then made from it.
    """
    fmt = "PNG" if image.format == "PNG" else "JPEG"
    icc = image.info.get("icc_profile")
    transparency = image.info.get("transparency")  # part of a PNG's pixels, not metadata
    ImageOps.exif_transpose(image, in_place=True)
    image.info = {}
    upright = image
    options: dict[str, object] = {}
    if icc:
        options["icc_profile"] = icc
    if fmt == "PNG":
        if transparency is not None:
            options["transparency"] = transparency
    else:
        if upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        options.update(quality=JPEG_QUALITY, subsampling=0)
    out = io.BytesIO()
    upright.save(out, fmt, **options)
    return out.getvalue()


def _write_atomically(target: Path, content: bytes) -> None:
    """Write ``content`` to a temporary file beside ``target``, then rename it into place."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _stored_intact(path: Path, sha256: str) -> bool:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == sha256
    except OSError:
        return False


def store_picture(source: Path, folder: Path) -> StoredFile:
    """Check, clean and store the picture at ``source`` in ``folder``; previews made too.

    Raises :class:`PhotoFileError` for a file that is not a usable photo and
    :class:`~mesodesk.core.errors.StorageError` when the folder cannot be written; in
    either case nothing is left behind.
    """
    data = read_source(source)
    image = open_picture(data, source.name)
    mime = MIME_TYPES[str(image.format)]
    taken_on = exif_taken_on(image)
    content = clean_bytes(image)
    sha256 = hashlib.sha256(content).hexdigest()
    target = folder / sha256
    created = False
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not _stored_intact(target, sha256):
            _write_atomically(target, content)
            created = True
        width, height = image.size  # upright now
        _make_previews(folder, sha256, image)  # from the pixels in hand: no second decoding
    except OSError as exc:
        if created:
            remove_picture(folder, sha256)
        raise StorageError(
            f"The photo {source.name} could not be stored in {folder}: "
            f"{exc.strerror or exc}. Nothing of it was kept."
        ) from None
    return StoredFile(sha256, mime, width, height, taken_on, created)


def remove_picture(folder: Path, sha256: str) -> None:
    """Delete a stored picture and its previews (an import that did not complete)."""
    for path in (folder / sha256, _thumb(folder, sha256), _display(folder, sha256)):
        path.unlink(missing_ok=True)


def _thumb(folder: Path, sha256: str) -> Path:
    return folder / THUMBS / f"{sha256}.jpg"


def _display(folder: Path, sha256: str) -> Path:
    return folder / DISPLAY / f"{sha256}.jpg"


def _shrunk_jpeg(image: Image.Image, size: int) -> bytes:
    """``image`` shrunk in place to fit ``size`` pixels square, as JPEG (transparency on white).

    Shrinking in place lets a JPEG decode at a fraction of its size (fast on huge photos)
    and lets the next, smaller preview start from this one.
    """
    with _large_pictures_allowed():
        image.thumbnail((size, size))
    return _as_jpeg(image)


def _as_jpeg(small: Image.Image) -> bytes:
    """A preview as JPEG: 8-bit RGB, transparency painted on white."""
    if small.mode.startswith(("I", "F")):
        small = small.convert("L")
    if small.mode != "RGB":
        rgba = small.convert("RGBA")
        small = Image.new("RGB", rgba.size, "white")
        small.paste(rgba, mask=rgba.getchannel("A"))
    out = io.BytesIO()
    small.save(out, "JPEG", quality=PREVIEW_QUALITY)
    return out.getvalue()


def _make_previews(folder: Path, sha256: str, image: Image.Image) -> None:
    large = max(image.size) > DISPLAY_PX
    for needed, path, size in (
        (large, _display(folder, sha256), DISPLAY_PX),
        (True, _thumb(folder, sha256), THUMB_PX),
    ):
        if needed and not path.is_file():
            path.parent.mkdir(exist_ok=True)
            _write_atomically(path, _shrunk_jpeg(image, size))


def _preview_file(folder: Path, sha256: str, path: Path, size: int) -> Path | None:
    if path.is_file():
        return path
    try:
        with _large_pictures_allowed(), Image.open(folder / sha256) as image:
            path.parent.mkdir(exist_ok=True)
            _write_atomically(path, _shrunk_jpeg(image, size))
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None  # the original is missing or damaged: nothing to show
    return path


def thumbnail_file(folder: Path, sha256: str) -> Path | None:
    """The timeline's small picture of a photo, rebuilt if missing (None: no original)."""
    return _preview_file(folder, sha256, _thumb(folder, sha256), THUMB_PX)


def display_file(folder: Path, sha256: str, width: int | None, height: int | None) -> Path | None:
    """The file to show a photo from: the original, or a downscaled copy of a large one."""
    original = folder / sha256
    if not original.is_file():
        return None
    if width is not None and height is not None and max(width, height) <= DISPLAY_PX:
        return original
    return _preview_file(folder, sha256, _display(folder, sha256), DISPLAY_PX)
