"""A small practice written through the core services, for tests that need real records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from mesodesk.core.db import Database
from mesodesk.core.enums import Severity, Sex, Side
from mesodesk.core.services import catalogue, courses, patients, practice, sessions
from mesodesk.core.services.measurements import MeasurementData
from mesodesk.core.services.side_effects import SideEffectData

THIGH = "left thigh, 15 cm above the patella"
RIGHT_THIGH = "right thigh, 15 cm above the patella"


@dataclass
class Clinic:
    db: Database
    practitioners: dict[str, int] = field(default_factory=dict)
    products: dict[str, int] = field(default_factory=dict)
    lots: dict[str, int] = field(default_factory=dict)
    _patients: int = 0

    def patient(self, family: str = "Dubois", given: str = "Claire") -> int:
        self._patients += 1
        return patients.create_patient(
            self.db,
            patients.PatientData(
                f"2025-{self._patients:04d}", family, given, dt.date(1985, 4, 2), Sex.FEMALE
            ),
        )

    def course(self, patient_id: int, indication: str, start: dt.date, planned: int = 6) -> int:
        return courses.plan_course(
            self.db,
            patient_id,
            courses.CourseData(indication, planned, 14, start, ("thigh_outer",), 30),
        )

    def session(
        self,
        course_id: int,
        day: dt.date,
        *,
        by: str = "Dr One",
        products: Sequence[str] = ("Alpha",),
        measurements: Sequence[MeasurementData] = (),
        side_effects: Sequence[str] = (),
        maintenance: bool | None = None,
    ) -> int:
        """Record a session through the core service; side effects named by type code."""
        saved = sessions.record_session(
            self.db,
            sessions.SessionData(
                course_id=course_id,
                started_at=dt.datetime.combine(day, dt.time(10, 0)),
                practitioner_id=self.practitioners[by],
                cocktail=tuple(sessions.CocktailLineData(self.lots[p], 1.5) for p in products),
                areas=(sessions.AreaData("thigh_outer", Side.LEFT, "nappage", 2.0),),
                measurements=tuple(measurements),
                side_effects=tuple(
                    SideEffectData(code, Severity.MILD, day) for code in side_effects
                ),
                maintenance=maintenance,
            ),
        )
        return saved.id


def open_clinic(db: Database) -> Clinic:
    """Two practitioners and three products with a lot each."""
    clinic = Clinic(db)
    for name in ("Dr One", "Dr Two"):
        clinic.practitioners[name] = practice.add_practitioner(db, practice.PractitionerData(name))
    for name in ("Alpha", "Beta", "Gamma"):
        product = catalogue.add_product(db, catalogue.ProductData(name))
        clinic.products[name] = product
        clinic.lots[name] = catalogue.add_lot(
            db, product, catalogue.LotData(f"{name[0]}-001", dt.date(2031, 1, 1))
        ).id
    return clinic


def circumference(left: float, right: float | None = None) -> tuple[MeasurementData, ...]:
    values = [MeasurementData("circumference", left, THIGH)]
    if right is not None:
        values.append(MeasurementData("circumference", right, RIGHT_THIGH))
    return tuple(values)
