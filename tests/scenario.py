"""The practice of SCENARIOS.md §1 and §2, built through the services, for GUI tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mesodesk.core.db import Database
from mesodesk.core.enums import ConsentKind, Device, Sex, Side
from mesodesk.core.services import catalogue, courses, patients, practice, screening, sessions
from mesodesk.core.services.catalogue import IngredientAmount
from mesodesk.core.services.measurements import MeasurementData

START = dt.date(2026, 9, 1)
THIGH = "15 cm above the patella"


@dataclass(frozen=True)
class Clinic:
    db: Database
    practitioner: int
    caffeine: int
    carnitine: int
    caf_lot: int
    lc_lot: int
    patient: int
    course: int

    def session(self, when: dt.datetime | None = None, **changes: object) -> sessions.SessionData:
        """Session 1 of §2, or another on ``when``."""
        data = sessions.SessionData(
            course_id=self.course,
            started_at=when or dt.datetime(2026, 9, 1, 10, 30),
            practitioner_id=self.practitioner,
            cocktail=(
                sessions.CocktailLineData(self.caf_lot, 2.0),
                sessions.CocktailLineData(self.lc_lot, 2.0),
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
        return _replace(data, **changes)


def _replace(data: sessions.SessionData, **changes: object) -> sessions.SessionData:
    import dataclasses

    return dataclasses.replace(data, **changes)  # type: ignore[arg-type]


BASELINE = (
    MeasurementData("circumference", 58.5, f"left thigh, {THIGH}"),
    MeasurementData("circumference", 58.0, f"right thigh, {THIGH}"),
    MeasurementData("weight", 64.0),
    MeasurementData("height", 165.0),
    MeasurementData("css_a", 2),
    MeasurementData("css_b", 2),
    MeasurementData("css_c", 2),
    MeasurementData("css_d", 1),
    MeasurementData("css_e", 2),
    MeasurementData("nurnberger_muller", 2),
)


def make_clinic(db: Database) -> Clinic:
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
    caf_lot = catalogue.add_lot(
        db, caffeine, catalogue.LotData("CAF-24-117", dt.date(2027, 3, 31)), today=START
    ).id
    lc_lot = catalogue.add_lot(
        db, carnitine, catalogue.LotData("LC-2409-A", dt.date(2026, 12, 15)), today=START
    ).id
    patient = patients.create_patient(
        db,
        patients.PatientData(
            "2026-0142", "Dubois", "Hélène", dt.date(1984, 5, 12), Sex.FEMALE, "06 12 34 56 78"
        ),
    )
    screening.record_screening(db, patient, screening.ScreeningData(START, allergies="none known"))
    screening.record_consent(db, patient, ConsentKind.TREATMENT, "3", START)
    screening.record_consent(db, patient, ConsentKind.PHOTOS, "3", START)
    course = courses.plan_course(
        db,
        patient,
        courses.CourseData(
            "cellulite", 8, 14, START, ("thigh_outer", "buttock"), 30, "Smoother thighs"
        ),
    )
    return Clinic(db, practitioner, caffeine, carnitine, caf_lot, lc_lot, patient, course)


def count_rows(db: Database, *tables: str) -> dict[str, int]:
    from sqlalchemy import text

    with db.read() as session:
        return {t: session.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables}


CLINICAL = (
    "treatment_session",
    "cocktail_line",
    "treated_area",
    "measurement",
    "side_effect",
    "audit_entry",
    "course",
)
