"""The demo clinic: a realistic practice written to a new database from a seed.

Practitioners and the shelf go through the services. The patients and their courses
(tens of thousands for the benchmark) are written in batches inside one transaction,
each row with its audit entry. A few amendments and voids at the end go through the
services again, so their audit trail is the real one.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from mesodesk.core.db import Database, open_database
from mesodesk.core.demo.amendments import amend_a_few
from mesodesk.core.demo.clinic import HISTORY_DAYS, ClinicWriter
from mesodesk.core.demo.shelf import Shelf, stock_shelf
from mesodesk.core.demo.writer import BulkWriter
from mesodesk.core.errors import KnownError
from mesodesk.core.models import Lot, Product, ProductIngredient, Region
from mesodesk.core.rules import ProductFacts
from mesodesk.core.services.sessions import product_facts

BATCH_PATIENTS = 500

__all__ = ["DemoReport", "generate_demo"]


@dataclass(frozen=True, slots=True)
class DemoReport:
    path: Path
    practitioners: int
    products: int
    lots: int
    patients: int
    courses: int
    sessions: int
    measurements: int
    side_effects: int
    seconds: float

    def summary(self) -> str:
        return (
            f"Demo practice written to {self.path}: {self.patients} patients, {self.courses} "
            f"courses, {self.sessions} sessions, {self.measurements} measurements, "
            f"{self.side_effects} side effects, {self.products} products with {self.lots} lots "
            f"in {self.seconds:.1f} s"
        )


def generate_demo(
    path: Path, *, patients: int = 60, seed: int = 1, today: dt.date | None = None
) -> DemoReport:
    """Write a demo practice of ``patients`` patients to the new file ``path``."""
    began = time.perf_counter()
    path = Path(path)
    if path.exists():
        raise KnownError(f"{path} already exists; demo data goes only into a new file.")
    today = today or dt.date.today()
    rng = random.Random(seed)
    db = open_database(path, create=True)
    try:
        db.actor = "mesodesk demo"
        shelf = stock_shelf(db, rng, today, HISTORY_DAYS)
        with db.read() as session:
            products = {
                p.id: product_facts(p)
                for p in session.scalars(
                    select(Product).options(
                        selectinload(Product.ingredients).selectinload(ProductIngredient.ingredient)
                    )
                )
            }
            regions = {r.code: r.name for r in session.scalars(select(Region))}
            lot_count = len(session.scalars(select(Lot.id)).all())
        counts = _write_patients(db, shelf, products, regions, rng, today, patients)
        amend_a_few(db, rng, today)
    finally:
        db.close()
    return DemoReport(
        path=path,
        practitioners=len(shelf.practitioner_ids),
        products=len(products),
        lots=lot_count,
        patients=counts["patient"],
        courses=counts["course"],
        sessions=counts["treatment_session"],
        measurements=counts["measurement"],
        side_effects=counts["side_effect"],
        seconds=time.perf_counter() - began,
    )


def _write_patients(
    db: Database,
    shelf: Shelf,
    products: dict[int, ProductFacts],
    regions: dict[str, str],
    rng: random.Random,
    today: dt.date,
    count: int,
) -> dict[str, int]:
    with db.write(reason="demo practice") as session:
        writer = BulkWriter(session.connection())
        writer.prepare_bulk()
        clinic = ClinicWriter(writer, shelf, products, regions, rng, today)
        for index in range(count):
            plan = clinic.patient(index)
            courses = rng.choices((1, 2, 3), (30, 45, 25))[0]
            starts = sorted(clinic.start_for() for _ in range(courses))
            clinic.screening(plan, starts[0] - dt.timedelta(days=rng.randint(0, 7)))
            for start in starts:
                clinic.course(plan, clinic.indication(), start)
            clinic.close_if_archived(plan)
            if (index + 1) % BATCH_PATIENTS == 0:
                writer.flush()
        writer.flush()
        writer.create_indexes()
        return dict(writer.counts)
