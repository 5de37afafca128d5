"""Reading the export tables for a choice of patients: one snapshot, chunks of patients,
the words for codes read once, progress counted and a cancel honoured between chunks.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.orm import Session

from mesodesk.core.db import Database
from mesodesk.core.errors import NotFoundError, ValidationError
from mesodesk.core.exchange.progress import Progress, Ticker
from mesodesk.core.exchange.session_history import SESSION_HISTORY
from mesodesk.core.exchange.tables import (
    AREAS,
    CHUNK,
    COCKTAIL_LINES,
    CONSENTS,
    COURSES,
    MEASUREMENTS,
    PATIENTS,
    SCREENINGS,
    SESSIONS,
    SIDE_EFFECTS,
    Names,
    Row,
    Table,
    Words,
)  # fmt: skip
from mesodesk.core.models import (
    Indication,
    Ingredient,
    Lot,
    Metric,
    Patient,
    Practitioner,
    Product,
    ProductIngredient,
    Region,
    SideEffectType,
    Technique,
)

TABLES = (
    SESSION_HISTORY,
    PATIENTS,
    SCREENINGS,
    CONSENTS,
    COURSES,
    SESSIONS,
    AREAS,
    COCKTAIL_LINES,
    SIDE_EFFECTS,
    MEASUREMENTS,
)
"""Every exported table, in the order of the zip and of the workbook's sheets."""


def read_names(session: Session) -> Names:
    """The words for every code and id that the tables show beside them."""
    ingredients: dict[int, list[str]] = {}
    for product_id, name, amount, unit in session.execute(
        select(ProductIngredient.product_id, Ingredient.name)
        .add_columns(ProductIngredient.concentration, ProductIngredient.unit)
        .join(Ingredient, Ingredient.id == ProductIngredient.ingredient_id)
        .order_by(ProductIngredient.id)
    ):
        ingredients.setdefault(product_id, []).append(
            f"{name} {amount:g} {unit}" if amount else name
        )
    words: dict[str, Words] = {
        "lot.product_id": Words(),
        "lot.product": Words(),
        "lot.ingredients": Words(),
        "lot.lot_number": Words(),
        "lot.expiry_date": Words(),
    }
    for lot_id, product_id, product, number, expiry in session.execute(
        select(Lot.id, Lot.product_id, Product.name, Lot.lot_number, Lot.expiry_date).join(
            Product, Product.id == Lot.product_id
        )
    ):
        words["lot.product_id"][lot_id] = product_id
        words["lot.product"][lot_id] = product
        words["lot.ingredients"][lot_id] = ", ".join(ingredients.get(product_id, ()))
        words["lot.lot_number"][lot_id] = number
        words["lot.expiry_date"][lot_id] = expiry
    words["practitioner"] = Words(
        (pid, f"{title} {name}".strip())
        for pid, title, name in session.execute(
            select(Practitioner.id, Practitioner.title, Practitioner.name)
        )
    )
    metrics = session.execute(
        select(Metric.code, Metric.name, Metric.unit, Metric.ucum, Metric.computed)
    ).all()
    for part, field in enumerate(("name", "unit", "ucum", "computed"), start=1):
        words[f"metric.{field}"] = Words((row[0], row[part]) for row in metrics)
    for kind, model in (
        ("region", Region),
        ("technique", Technique),
        ("indication", Indication),
        ("side_effect_type", SideEffectType),
    ):
        words[kind] = Words(session.execute(select(model.code, model.name)).all())
    return Names(words)


def selected_patients(session: Session, patient_ids: Sequence[int] | None) -> list[int]:
    """The patients to export in file-number order: every one (archived too) for None."""
    if patient_ids is None:
        return list(session.scalars(select(Patient.id).order_by(Patient.file_number)))
    wanted = list(dict.fromkeys(patient_ids))
    if not wanted:
        raise ValidationError("Patients", "none were chosen for the export")
    found: list[tuple[str, int]] = []
    for start in range(0, len(wanted), CHUNK):
        part = wanted[start : start + CHUNK]
        found += session.execute(
            select(Patient.file_number, Patient.id).where(Patient.id.in_(part))
        )
    if len(found) < len(wanted):
        missing = set(wanted) - {pid for _, pid in found}
        raise NotFoundError("Patient", min(missing))
    return [pid for _, pid in sorted(found)]


class TableReader:
    """The rows of each table for the chosen patients, from one snapshot; counts progress.

    Progress runs over patients × tables and is reported after each chunk, which is also
    where a cancel (the progress function raising :class:`Cancelled`) stops the export.
    """

    def __init__(self, session: Session, patient_ids: list[int], progress: Progress | None):
        self.session = session
        self.patient_ids = patient_ids
        self.names = read_names(session)
        self.tables = TABLES
        self._ticker = Ticker(progress, total=len(patient_ids) * len(TABLES), step=1)

    def rows(self, table: Table) -> Iterator[Row]:
        ids = self.patient_ids
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            yield from table.rows(self.session, self.names, chunk)
            self._ticker.add(len(chunk))

    def finish(self) -> None:
        self._ticker.finish()


@contextmanager
def read_tables(
    db: Database, patient_ids: Sequence[int] | None, progress: Progress | None
) -> Iterator[TableReader]:
    """A reader of every table for ``patient_ids`` (None: every patient), on one snapshot.

    A missing patient or an empty choice is said here, before any file is made.
    """
    with db.read() as session:
        yield TableReader(session, selected_patients(session, patient_ids), progress)
