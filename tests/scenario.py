"""The practice of SCENARIOS.md: Dr Moreau's shelf (§1) and Mme Dubois's course (§2).

Everything is added through the services, as the program itself would add it. The core
tests build it once and copy the file (tests/core/conftest.py); GUI tests build it fresh.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import text

from mesodesk.core.db import Database
from mesodesk.core.enums import ConcentrationUnit, ConsentKind, Device, Sex, Side
from mesodesk.core.services import catalogue, courses, patients, practice, screening, sessions
from mesodesk.core.services.catalogue import IngredientAmount
from mesodesk.core.services.measurements import MeasurementData

SHELF_DAY = dt.date(2026, 9, 1)  # the day Dr Moreau fills her shelf (§1)
COURSE_START = dt.date(2026, 9, 1)
SESSION_ONE = dt.datetime(2026, 9, 1, 10, 30)
PATELLA = "15 cm above the patella"
LEFT_THIGH = f"left thigh, {PATELLA}"
RIGHT_THIGH = f"right thigh, {PATELLA}"

BASELINE = (
    MeasurementData("circumference", 58.5, LEFT_THIGH),
    MeasurementData("circumference", 58.0, RIGHT_THIGH),
    MeasurementData("weight", 64.0),
    MeasurementData("height", 165.0),
    MeasurementData("css_a", 2),
    MeasurementData("css_b", 2),
    MeasurementData("css_c", 2),
    MeasurementData("css_d", 1),
    MeasurementData("css_e", 2),
    MeasurementData("nurnberger_muller", 2),
)


@dataclass(frozen=True)
class Clinic:
    """Dr Moreau's practice after her first hour (§1): ids of what she entered."""

    db: Database
    practitioner: int
    caffeine: int
    carnitine: int
    silicium: int
    caf_lot: int
    lc_lot: int
    so_lot: int


@dataclass(frozen=True)
class Helene:
    """Mme Hélène Dubois and her cellulite course (§2), screened and consenting."""

    clinic: Clinic
    patient: int
    course: int
    screening: int

    @property
    def db(self) -> Database:
        return self.clinic.db

    @property
    def caf_lot(self) -> int:
        return self.clinic.caf_lot

    @property
    def lc_lot(self) -> int:
        return self.clinic.lc_lot

    @property
    def carnitine(self) -> int:
        return self.clinic.carnitine

    def session(self, when: dt.datetime = SESSION_ONE, **changes: object) -> sessions.SessionData:
        """Session 1 of §2 as typed in the editor (or the same protocol on ``when``)."""
        c = self.clinic
        data = sessions.SessionData(
            course_id=self.course,
            started_at=when,
            practitioner_id=c.practitioner,
            cocktail=(
                sessions.CocktailLineData(c.caf_lot, 2.0),
                sessions.CocktailLineData(c.lc_lot, 2.0),
            ),
            areas=(
                sessions.AreaData("thigh_outer", Side.LEFT, "nappage", 2.0, 30, 4, 2, 60),
                sessions.AreaData("thigh_outer", Side.RIGHT, "nappage", 2.0, 30, 4, 2, 60),
                sessions.AreaData("buttock", Side.BOTH, "papule", 0.8, 30, 4, 1.5, 20),
            ),
            duration_min=40,
            device=Device.GUN,
            pain_vas=3,
            aftercare_given=True,
            aftercare_code="standard",
            aftercare_version="1",
        )
        return dataclasses.replace(data, **changes)  # type: ignore[arg-type]


def build_clinic(db: Database) -> Clinic:
    """§1: the practitioner and her three products with their lots, added on 2026-09-01."""
    practitioner = practice.add_practitioner(
        db, practice.PractitionerData("Claire Moreau", "Dr", "RPPS 10101")
    )
    caffeine = catalogue.add_product(
        db, catalogue.ProductData("Cafeína 1%", ingredients=(IngredientAmount("caffeine", 10),))
    )
    carnitine = catalogue.add_product(
        db,
        catalogue.ProductData(
            "L-carnitine 20%", ingredients=(IngredientAmount("L-carnitine", 200),)
        ),
    )
    silicium = catalogue.add_product(
        db,
        catalogue.ProductData(
            "Silicium organique 0.5%",
            ingredients=(IngredientAmount("silicium organique", 0.5, ConcentrationUnit.PERCENT),),
        ),
    )
    caf_lot = catalogue.add_lot(
        db, caffeine, catalogue.LotData("CAF-24-117", dt.date(2027, 3, 31)), today=SHELF_DAY
    )
    lc_lot = catalogue.add_lot(
        db, carnitine, catalogue.LotData("LC-2409-A", dt.date(2026, 12, 15)), today=SHELF_DAY
    )
    so_lot = catalogue.add_lot(
        db, silicium, catalogue.LotData("SO-5521", dt.date(2025, 10, 1)), today=SHELF_DAY
    )
    return Clinic(db, practitioner, caffeine, carnitine, silicium, caf_lot.id, lc_lot.id, so_lot.id)


def build_helene(clinic: Clinic) -> Helene:
    db = clinic.db
    patient = patients.create_patient(
        db,
        patients.PatientData(
            "2026-0142",
            "Dubois",
            "Hélène",
            dt.date(1984, 5, 12),
            Sex.FEMALE,
            "06 12 34 56 78",
        ),
    )
    screened = screening.record_screening(
        db, patient, screening.ScreeningData(COURSE_START, allergies="none known")
    )
    screening.record_consent(db, patient, ConsentKind.TREATMENT, "3", COURSE_START)
    screening.record_consent(db, patient, ConsentKind.PHOTOS, "3", COURSE_START)
    course = courses.plan_course(
        db,
        patient,
        courses.CourseData(
            "cellulite",
            planned_sessions=8,
            interval_days=14,
            start_date=COURSE_START,
            target_areas=("thigh_outer", "buttock"),
            maintenance_interval_days=30,
            goal="Smoother thighs",
        ),
    )
    return Helene(clinic, patient, course, screened)


def make_helene(db: Database) -> Helene:
    """§1 and §2 in a fresh database."""
    return build_helene(build_clinic(db))


def count_rows(db: Database, *tables: str) -> dict[str, int]:
    with db.read() as session:
        return {t: session.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables}
