"""Clinical photos: importing them (with the patient's photo consent), listing, voiding.

The files themselves (checking, cleaning, storing by hash, previews) are handled by
:mod:`mesodesk.core.photos`; here are the rows and the rules around them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from mesodesk.core.attachments import photos_folder
from mesodesk.core.db import Database
from mesodesk.core.enums import ConsentKind, PhotoView, Side
from mesodesk.core.errors import MesodeskError, ValidationError
from mesodesk.core.models import (
    Consent,
    Course,
    Indication,
    Patient,
    Photo,
    Region,
    TreatmentSession,
)
from mesodesk.core.photos import remove_picture, store_picture
from mesodesk.core.services import _validate as v
from mesodesk.core.services.screening import has_consent

VIEW_WORDS = {
    PhotoView.FRONT: "Front",
    PhotoView.BACK: "Back",
    PhotoView.LEFT: "Left side",
    PhotoView.RIGHT: "Right side",
    PhotoView.SCALP_TOP: "Top of the scalp",
    PhotoView.FACE_FRONT: "Face, front",
    PhotoView.FACE_LEFT: "Face, left",
    PhotoView.FACE_RIGHT: "Face, right",
    PhotoView.FACE_OBLIQUE_LEFT: "Face, oblique left",
    PhotoView.FACE_OBLIQUE_RIGHT: "Face, oblique right",
}


class PhotoConsentError(MesodeskError):
    """The patient has no photo consent in force: no photo of theirs may be stored."""


@dataclass(frozen=True, slots=True)
class PhotoTags:
    """What a photo shows and when. ``taken_on`` None: the day the camera wrote in the
    photo, else the session's day, else today."""

    view: PhotoView
    region_code: str
    side: Side | None = None
    session_id: int | None = None
    taken_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class PhotoEntry:
    """One photo as the record shows it."""

    id: int
    patient_id: int
    sha256: str
    mime_type: str
    width: int | None
    height: int | None
    view: PhotoView
    region_code: str | None
    region_name: str
    side: Side | None
    taken_on: dt.date
    session_id: int | None
    session_number: int | None
    maintenance: bool
    original_name: str

    @property
    def session_label(self) -> str:
        """S3 for the third session of a course, M1 for the first maintenance one."""
        if self.session_number is None:
            return ""
        return ("M" if self.maintenance else "S") + str(self.session_number)

    @property
    def area(self) -> str:
        """ "Outer thigh, left", "Buttock, both sides", "Vertex"."""
        return area_words(self.region_name, self.side)

    @property
    def area_key(self) -> tuple[str, str]:
        return (self.region_code or "", self.side.value if self.side else "")

    @property
    def view_words(self) -> str:
        return VIEW_WORDS[self.view]

    @property
    def caption(self) -> str:
        """ "2026-09-01 · S1 (session 1)" or "2026-09-01 · no session"."""
        if self.session_number is None:
            return f"{self.taken_on.isoformat()} · no session"
        kind = "maintenance session" if self.maintenance else "session"
        return f"{self.taken_on.isoformat()} · {self.session_label} ({kind} {self.session_number})"


@dataclass(frozen=True, slots=True)
class SessionChoice:
    """A session a photo can be tagged with: "S3 · 2026-09-29 · Cellulite"."""

    id: int
    day: dt.date
    label: str


@dataclass(frozen=True, slots=True)
class ImportedPhoto:
    photo_id: int
    sha256: str
    taken_on: dt.date
    already_stored: bool
    """The same picture was in the photos folder already: the new row shares its file."""


def area_words(region_name: str, side: Side | None) -> str:
    if side in (Side.LEFT, Side.RIGHT):
        return f"{region_name}, {side.value}"
    if side is Side.BOTH:
        return f"{region_name}, both sides"
    return region_name


def _consent_problem(session: Session, patient: Patient, on: dt.date, today: dt.date) -> str | None:
    if has_consent(session, patient.id, ConsentKind.PHOTOS, on) and has_consent(
        session, patient.id, ConsentKind.PHOTOS, today
    ):
        return None
    rows = session.scalars(
        select(Consent).where(
            Consent.patient_id == patient.id,
            Consent.kind == ConsentKind.PHOTOS.value,
            Consent.voided.is_(False),
        )
    ).all()
    who = patient.full_name
    withdrawn = [c.withdrawn_on for c in rows if c.withdrawn_on is not None]
    if rows and len(withdrawn) == len(rows):
        return (
            f"{who} withdrew the consent to clinical photographs on "
            f"{max(withdrawn).isoformat()}: no photo of theirs can be stored."
        )
    if rows and on < min(c.signed_on for c in rows):
        return (
            f"{who} signed the consent to clinical photographs on "
            f"{min(c.signed_on for c in rows).isoformat()}, after this photo was taken "
            f"({on.isoformat()}): it cannot be stored."
        )
    return (
        f"{who} has not signed the consent to clinical photographs: no photo can be stored. "
        "Record the signed photo consent first (Patient › Record consent…)."
    )


def photo_consent_problem(db: Database, patient_id: int, on: dt.date | None = None) -> str | None:
    """Why photos of the patient cannot be stored (taken ``on``, default today), or None."""
    today = dt.date.today()
    with db.read() as session:
        patient = v.get(session, Patient, patient_id, "Patient")
        return _consent_problem(session, patient, on or today, today)


def _check_tags(session: Session, patient_id: int, tags: PhotoTags) -> TreatmentSession | None:
    v.choice("View", tags.view, PhotoView)
    region = session.get(Region, v.text("Area", tags.region_code, required=True, max_length=40))
    if region is None:
        raise ValidationError("Area", f"{tags.region_code!r} is not a known region")
    if region.sided:
        side = v.choice("Side", tags.side, Side) if tags.side is not None else None
        if side not in (Side.LEFT, Side.RIGHT, Side.BOTH):
            raise ValidationError("Side", f"choose left, right or both for {region.name}")
    elif tags.side is not None and v.choice("Side", tags.side, Side) in (Side.LEFT, Side.RIGHT):
        raise ValidationError("Side", f"{region.name} is on the midline")
    if tags.session_id is None:
        return None
    treatment = v.get(session, TreatmentSession, tags.session_id, "Session")
    if treatment.voided or treatment.course.patient_id != patient_id:
        raise ValidationError("Session", "is not one of this patient's sessions")
    return treatment


def import_photo(db: Database, patient_id: int, source: Path, tags: PhotoTags) -> ImportedPhoto:
    """Store the photo at ``source`` in the patient's record, tagged; or refuse it whole.

    The patient's photo consent is checked first, the picture is then checked and
    cleaned of its metadata (:mod:`mesodesk.core.photos`), stored by its hash, and its row
    written. A refusal at any step leaves neither a file nor a row.
    """
    source = Path(source)
    today = dt.date.today()
    v.date("Taken on", tags.taken_on, required=False, not_after=today)
    with db.read() as session:
        patient = v.get(session, Patient, patient_id, "Patient")
        treatment = _check_tags(session, patient_id, tags)
        problem = _consent_problem(session, patient, tags.taken_on or today, today)
        if problem:
            raise PhotoConsentError(problem)
    folder = photos_folder(db.path)
    stored = store_picture(source, folder)
    try:
        taken = tags.taken_on or stored.taken_on
        if taken is None:
            taken = min(treatment.started_at.date(), today) if treatment else today
        taken = v.date("Taken on", taken, not_after=today)
        with db.write() as session:
            patient = v.get(session, Patient, patient_id, "Patient")
            _check_tags(session, patient_id, tags)
            problem = _consent_problem(session, patient, taken, today)
            if problem:
                raise PhotoConsentError(problem)
            _refuse_duplicate(session, patient_id, stored.sha256, tags)
            photo = Photo(
                patient_id=patient_id,
                session_id=tags.session_id,
                region_code=tags.region_code,
                side=Side(tags.side).value if tags.side else None,
                view=PhotoView(tags.view).value,
                taken_on=taken,
                sha256=stored.sha256,
                mime_type=stored.mime_type,
                width_px=stored.width,
                height_px=stored.height,
                original_name=source.name[:255],
            )
            session.add(photo)
            session.flush()
            return ImportedPhoto(photo.id, stored.sha256, taken, not stored.created)
    except BaseException:
        if stored.created:
            remove_picture(folder, stored.sha256)
        raise


def _refuse_duplicate(session: Session, patient_id: int, sha256: str, tags: PhotoTags) -> None:
    same = session.scalars(
        select(Photo).where(
            Photo.patient_id == patient_id,
            Photo.sha256 == sha256,
            Photo.region_code == tags.region_code,
            Photo.side == (Side(tags.side).value if tags.side else None),
            Photo.view == PhotoView(tags.view).value,
            Photo.voided.is_(False),
        )
    ).first()
    if same is not None:
        raise ValidationError(
            "Photo",
            f"this picture is already in the record ({same.original_name or 'imported'} "
            f"taken on {same.taken_on.isoformat()}, same area and view)",
        )


def void_photo(db: Database, photo_id: int, reason: str) -> None:
    """Void a photo with a reason: it leaves the timeline and the PDF, its file is kept."""
    reason = v.reason("Reason", reason)
    with db.write(reason=reason) as session:
        photo = v.get(session, Photo, photo_id, "Photo")
        if photo.voided:
            raise ValidationError("Photo", "is voided already")
        photo.voided = True
        photo.void_reason = reason
        photo.voided_at = dt.datetime.now()


def photo_entries(
    session: Session, patient_id: int, ids: set[int] | None = None
) -> list[PhotoEntry]:
    treatment = aliased(TreatmentSession)
    statement = (
        select(Photo, Region.name, treatment.number, treatment.maintenance)
        .outerjoin(Region, Region.code == Photo.region_code)
        .outerjoin(treatment, treatment.id == Photo.session_id)
        .where(Photo.patient_id == patient_id, Photo.voided.is_(False))
        .order_by(Photo.region_code, Photo.side, Photo.taken_on, Photo.id)
    )
    if ids is not None:
        statement = statement.where(Photo.id.in_(ids))
    return [
        PhotoEntry(
            id=photo.id,
            patient_id=photo.patient_id,
            sha256=photo.sha256,
            mime_type=photo.mime_type,
            width=photo.width_px,
            height=photo.height_px,
            view=PhotoView(photo.view),
            region_code=photo.region_code,
            region_name=region or "No area",
            side=Side(photo.side) if photo.side else None,
            taken_on=photo.taken_on,
            session_id=photo.session_id,
            session_number=number,
            maintenance=bool(maintenance),
            original_name=photo.original_name,
        )
        for photo, region, number, maintenance in session.execute(statement)
    ]


def patient_photos(db: Database, patient_id: int) -> list[PhotoEntry]:
    """The patient's photos that stand (not voided), by area, then oldest first."""
    with db.read() as session:
        v.get(session, Patient, patient_id, "Patient")
        return photo_entries(session, patient_id)


def by_area(photos: list[PhotoEntry]) -> list[list[PhotoEntry]]:
    """Photos grouped by area (region and side), each group oldest first."""
    groups: dict[tuple[str, str], list[PhotoEntry]] = {}
    for photo in photos:
        groups.setdefault(photo.area_key, []).append(photo)
    ordered = sorted(groups.values(), key=lambda group: (group[0].area, group[0].area_key))
    return [sorted(group, key=lambda p: (p.taken_on, p.id)) for group in ordered]


def patient_sessions(db: Database, patient_id: int) -> list[SessionChoice]:
    """The patient's sessions that stand, newest first, to tag a photo with."""
    with db.read() as session:
        rows = session.execute(
            select(TreatmentSession, Indication.name)
            .join(Course, Course.id == TreatmentSession.course_id)
            .join(Indication, Indication.code == Course.indication_code)
            .where(Course.patient_id == patient_id, TreatmentSession.voided.is_(False))
            .order_by(TreatmentSession.started_at.desc(), TreatmentSession.id.desc())
        ).all()
        return [
            SessionChoice(
                s.id,
                s.started_at.date(),
                f"{'M' if s.maintenance else 'S'}{s.number} · {s.started_at:%Y-%m-%d} · {name}",
            )
            for s, name in rows
        ]
