"""The before/after pairs of a patient's photos chosen for the printed history.

Stored in ``photo_pair`` (schema 0003): the older photo of a pair is always the before.
Taking a pair off the PDF deletes its row; the audit trail keeps the choice and its end.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from mesodesk.core.db import Database
from mesodesk.core.errors import ValidationError
from mesodesk.core.models import Photo, PhotoPair
from mesodesk.core.services import _validate as v
from mesodesk.core.services.photos import PhotoEntry, photo_entries


@dataclass(frozen=True, slots=True)
class PhotoPairEntry:
    """A before/after pair chosen for the printed history."""

    id: int
    before: PhotoEntry
    after: PhotoEntry


def choose_pair_for_pdf(db: Database, before_id: int, after_id: int) -> int:
    """Put a before/after pair in the printed history; the pair's id (kept if chosen before)."""
    with db.write() as session:
        before = v.get(session, Photo, before_id, "Photo")
        after = v.get(session, Photo, after_id, "Photo")
        if before.id == after.id:
            raise ValidationError("Photos", "choose two different photos")
        if before.patient_id != after.patient_id:
            raise ValidationError("Photos", "are not of the same patient")
        if before.voided or after.voided:
            raise ValidationError("Photos", "a voided photo cannot go in the PDF")
        if (before.taken_on, before.id) > (after.taken_on, after.id):
            before, after = after, before
        existing = session.scalars(
            select(PhotoPair).where(
                PhotoPair.before_id == before.id, PhotoPair.after_id == after.id
            )
        ).first()
        if existing is not None:
            return existing.id
        pair = PhotoPair(patient_id=before.patient_id, before_id=before.id, after_id=after.id)
        session.add(pair)
        session.flush()
        return pair.id


def drop_pair_from_pdf(db: Database, pair_id: int) -> None:
    """Take a pair off the printed history (the photos stay; the audit keeps the choice)."""
    with db.write(reason="Taken off the printed history") as session:
        session.delete(v.get(session, PhotoPair, pair_id, "Photo pair"))


def pair_for(db: Database, first_id: int, second_id: int) -> int | None:
    """The id of the chosen pair made of these two photos (either order), or None."""
    with db.read() as session:
        return session.scalars(
            select(PhotoPair.id).where(
                or_(
                    (PhotoPair.before_id == first_id) & (PhotoPair.after_id == second_id),
                    (PhotoPair.before_id == second_id) & (PhotoPair.after_id == first_id),
                )
            )
        ).first()


def pdf_pairs(db: Database, patient_id: int) -> list[PhotoPairEntry]:
    """The pairs chosen for the printed history, by area, then by the after photo's date.

    A pair with a voided photo is left out.
    """
    with db.read() as session:
        pairs = session.scalars(
            select(PhotoPair).where(PhotoPair.patient_id == patient_id).order_by(PhotoPair.id)
        ).all()
        ids = {p.before_id for p in pairs} | {p.after_id for p in pairs}
        photos = {entry.id: entry for entry in photo_entries(session, patient_id, ids)}
    chosen = [
        PhotoPairEntry(p.id, photos[p.before_id], photos[p.after_id])
        for p in pairs
        if p.before_id in photos and p.after_id in photos
    ]
    return sorted(chosen, key=lambda p: (p.before.area, p.after.taken_on, p.id))
