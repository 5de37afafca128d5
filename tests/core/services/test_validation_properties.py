"""Whatever is typed, a service either saves it whole or says which field is wrong."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mesodesk.core.db import Database
from mesodesk.core.enums import Sex
from mesodesk.core.errors import ValidationError
from mesodesk.core.services import measurements, patients
from mesodesk.core.services.measurements import MeasurementData
from mesodesk.core.text import fold
from tests.core.services.conftest import count_rows

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
texts = st.text(min_size=0, max_size=120)


@SETTINGS
@given(
    family=texts,
    given_names=texts,
    phone=texts,
    email=texts,
    born=st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2100, 1, 1)),
)
def test_a_patient_is_saved_whole_or_refused_naming_a_field(
    db: Database, family: str, given_names: str, phone: str, email: str, born: dt.date
) -> None:
    before = count_rows(db, "patient", "audit_entry")
    number = patients.next_file_number(db, 2026)
    data = patients.PatientData(number, family, given_names, born, Sex.UNKNOWN, phone, email)
    try:
        pid = patients.create_patient(db, data)
    except ValidationError as error:
        assert error.field in {"Family name", "Given names", "Phone", "E-mail", "Date of birth"}
        assert count_rows(db, "patient", "audit_entry") == before
    else:
        stored = patients.patient_data(db, pid)
        assert stored.family_name == family.strip()
        assert stored.given_names == given_names.strip()
        assert stored.date_of_birth == born


@SETTINGS
@given(
    metric=st.sampled_from(["circumference", "css_a", "gais", "weight", "hair_pull_test"]),
    value=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-(10**6), 10**6)),
    site=texts,
)
def test_a_measurement_is_saved_or_refused(
    db: Database, metric: str, value: float, site: str
) -> None:
    pid = patients.create_patient(
        db,
        patients.PatientData(
            patients.next_file_number(db, 2026), "Test", "Pat", dt.date(1980, 1, 1)
        ),
    )
    try:
        measurements.record_measurements(
            db, pid, dt.date(2026, 9, 1), (MeasurementData(metric, value, site),)
        )
    except ValidationError as error:
        assert error.field
        assert measurements.patient_measurements(db, pid) == []
    else:
        [row] = measurements.patient_measurements(db, pid)
        assert row.value == value


@settings(max_examples=200)
@given(st.text())
def test_fold_is_idempotent_and_drops_accents(text: str) -> None:
    once = fold(text)
    assert fold(once) == once
    assert not any(ch in once for ch in "éèêàçüöñ")


@SETTINGS
@given(query=st.text(max_size=40))
def test_search_never_fails(db: Database, query: str) -> None:
    assert isinstance(patients.search_patients(db, query), list)
