"""The FHIR export read back with a reader mesodesk did not write: the fhir.resources R4B models."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from mesodesk.core.db import Database, open_database
from mesodesk.core.demo import generate_demo
from mesodesk.core.enums import Severity
from mesodesk.core.errors import NotFoundError, ValidationError
from mesodesk.core.exchange.fhir import export_fhir
from mesodesk.core.exchange.fhir_codes import FULL_URL_NAMESPACE
from mesodesk.core.exchange.fhir_resources import full_url
from mesodesk.core.exchange.progress import Cancelled
from mesodesk.core.services import history, measurements, sessions, side_effects
from tests.core.conftest import add_course, add_patient, simple_session
from tests.scenario import BASELINE, LEFT_THIGH, SESSION_ONE, Helene

LEFT, RIGHT, BOTH = "7771000", "24028007", "51440002"
LATERALITY = "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-laterality-qualifier"


def read_bundle(path: Path) -> dict[str, Any]:
    """The file as JSON, after the R4B models have accepted it as a Bundle."""
    text = path.read_text(encoding="utf-8")
    Bundle.model_validate_json(text)
    return json.loads(text)  # type: ignore[no-any-return]


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def resolve(bundle: dict[str, Any], ref: dict[str, Any]) -> dict[str, Any]:
    found: list[dict[str, Any]] = [
        e["resource"] for e in bundle["entry"] if e["fullUrl"] == ref["reference"]
    ]
    assert len(found) == 1, ref
    return found[0]


def references(value: Any) -> Iterator[dict[str, Any]]:
    """Every Reference anywhere in a resource."""
    if isinstance(value, dict):
        if isinstance(value.get("reference"), str):
            yield value
        for item in value.values():
            yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)


def empty_elements(value: Any, path: str = "") -> Iterator[str]:
    """Where FHIR's rule "no empty strings, arrays or objects" is broken (the models allow it)."""
    if value in ("", [], {}):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from empty_elements(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from empty_elements(item, f"{path}[{index}]")


def codes(concept: dict[str, Any]) -> dict[str, str]:
    return {c["system"].rsplit("/", 1)[-1]: c["code"] for c in concept["coding"]}


def laterality(site: dict[str, Any]) -> str | None:
    found = [x for x in site.get("extension", []) if x["url"] == LATERALITY]
    return found[0]["valueCodeableConcept"]["coding"][0]["code"] if found else None


@pytest.fixture
def treated(helene: Helene) -> Helene:
    """Mme Dubois after session 1 of SCENARIOS.md §2, its baseline and the bruise of 09-04."""
    db = helene.db
    sessions.record_session(db, helene.session(measurements=BASELINE))
    record = history.patient_history(db, helene.patient)
    left_thigh = record.courses[0].sessions[0].areas[0]
    assert (left_thigh.region_code, left_thigh.side) == ("thigh_outer", "left")
    effect = side_effects.add_side_effect(
        db,
        record.courses[0].sessions[0].id,
        side_effects.SideEffectData(
            "bruising",
            Severity.MILD,
            dt.date(2026, 9, 2),
            area_id=left_thigh.area_id,
            suspected_lot_id=helene.caf_lot,
        ),
    )
    side_effects.resolve_side_effect(db, effect, dt.date(2026, 9, 9), "arnica gel")
    # A check-up at home between sessions, in the course but in no session.
    measurements.record_measurements(
        db,
        helene.patient,
        dt.date(2026, 9, 8),
        [measurements.MeasurementData("circumference", 58.2, LEFT_THIGH)],
        course_id=helene.course,
    )
    return helene


@pytest.fixture
def bundle(treated: Helene, tmp_path: Path) -> dict[str, Any]:
    out = tmp_path / "dubois.fhir.json"
    export_fhir(treated.db, out, patient_ids=[treated.patient])
    return read_bundle(out)


def test_the_patient_and_her_practitioner(bundle: dict[str, Any]) -> None:
    assert bundle["resourceType"] == "Bundle"
    assert bundle["type"] == "collection"
    (patient,) = resources(bundle, "Patient")
    assert patient["identifier"][0]["value"] == "2026-0142"
    assert patient["name"][0]["family"] == "Dubois"
    assert patient["name"][0]["given"] == ["Hélène"]
    assert patient["birthDate"] == "1984-05-12"
    assert patient["gender"] == "female"
    assert patient["telecom"] == [{"system": "phone", "value": "06 12 34 56 78"}]
    (practitioner,) = resources(bundle, "Practitioner")
    assert practitioner["name"][0]["text"] == "Dr Claire Moreau"
    assert practitioner["identifier"][0]["value"] == "RPPS 10101"


def test_the_session_is_a_procedure_with_a_body_site_per_area(bundle: dict[str, Any]) -> None:
    (session,) = resources(bundle, "Procedure")
    assert session["status"] == "completed"
    # Clinic local time, with this computer's offset.
    assert session["performedDateTime"].startswith("2026-09-01T10:30:00")
    assert dt.datetime.fromisoformat(session["performedDateTime"]).tzinfo is not None
    practitioner = resolve(bundle, session["performer"][0]["actor"])
    assert practitioner["resourceType"] == "Practitioner"
    sites = [(codes(site)["region"], laterality(site)) for site in session["bodySite"]]
    assert sites == [("thigh_outer", LEFT), ("thigh_outer", RIGHT), ("buttock", BOTH)]
    assert resolve(bundle, session["basedOn"][0])["resourceType"] == "CarePlan"
    assert any("nappage" in note["text"].lower() for note in session["note"])


def test_the_course_is_a_care_plan(bundle: dict[str, Any]) -> None:
    (course,) = resources(bundle, "CarePlan")
    assert course["status"] == "active"
    assert course["title"] == "Cellulite course"
    assert course["description"] == "Smoother thighs"
    assert course["period"] == {"start": "2026-09-01"}
    series, maintenance = course["activity"]
    assert series["detail"]["scheduledTiming"]["repeat"] == {
        "count": 8,
        "frequency": 1,
        "period": 14,
        "periodUnit": "d",
    }
    assert series["detail"]["status"] == "in-progress"
    assert codes(series["detail"]["reasonCode"][0])["indication"] == "cellulite"
    assert maintenance["detail"]["scheduledTiming"]["repeat"]["period"] == 30
    assert maintenance["detail"]["status"] == "not-started"


def test_each_cocktail_line_names_its_lot(bundle: dict[str, Any]) -> None:
    (session,) = resources(bundle, "Procedure")
    given = resources(bundle, "MedicationAdministration")
    assert len(given) == 2
    lots = {}
    for line in given:
        assert line["status"] == "completed"
        assert line["dosage"]["dose"] == {
            "value": 2.0,
            "unit": "mL",
            "system": "http://unitsofmeasure.org",
            "code": "mL",
        }
        assert resolve(bundle, line["partOf"][0]) == session
        medication = resolve(bundle, line["medicationReference"])
        lots[medication["batch"]["lotNumber"]] = medication
    assert set(lots) == {"CAF-24-117", "LC-2409-A"}
    caffeine = lots["CAF-24-117"]
    assert caffeine["code"]["text"] == "Cafeína 1%"
    assert caffeine["batch"]["expirationDate"] == "2027-03-31"
    strength = caffeine["ingredient"][0]["strength"]
    assert caffeine["ingredient"][0]["itemCodeableConcept"]["text"].lower() == "caffeine"
    assert (strength["numerator"]["value"], strength["numerator"]["code"]) == (10, "mg")
    assert strength["denominator"]["code"] == "mL"
    # The expired silicium lot was never used: it is not in her history.
    assert len(resources(bundle, "Medication")) == 2


def test_measurements_carry_loinc_where_it_exists_and_ucum_units(
    bundle: dict[str, Any],
) -> None:
    (session,) = resources(bundle, "Procedure")
    observations = resources(bundle, "Observation")
    by_metric = {(codes(o["code"])["metric"], o["effectiveDateTime"]): o for o in observations}
    weight = by_metric["weight", "2026-09-01"]
    assert codes(weight["code"])["loinc.org"] == "29463-7"
    assert weight["valueQuantity"]["code"] == "kg"
    assert weight["valueQuantity"]["system"] == "http://unitsofmeasure.org"
    bmi = by_metric["bmi", "2026-09-01"]
    assert codes(bmi["code"])["loinc.org"] == "39156-5"
    assert (bmi["valueQuantity"]["value"], bmi["valueQuantity"]["code"]) == (23.5, "kg/m2")
    baseline = by_metric["circumference", "2026-09-01"]
    assert "loinc.org" not in codes(baseline["code"])
    assert baseline["valueQuantity"]["code"] == "cm"
    assert resolve(bundle, baseline["partOf"][0]) == session
    at_home = by_metric["circumference", "2026-09-08"]
    assert at_home["valueQuantity"]["value"] == 58.2
    assert at_home["bodySite"]["text"] == LEFT_THIGH
    assert "partOf" not in at_home
    assert resolve(bundle, at_home["basedOn"][0])["resourceType"] == "CarePlan"
    # Baseline: two circumferences, weight, height, five CSS items, N-M grade, BMI, CSS total.
    assert len([o for o in observations if o["effectiveDateTime"] == "2026-09-01"]) == 12


def test_the_bruise_is_an_adverse_event_suspecting_the_caffeine_lot(
    bundle: dict[str, Any],
) -> None:
    (event,) = resources(bundle, "AdverseEvent")
    assert event["event"]["coding"][0]["code"] == "bruising"
    assert event["date"] == "2026-09-02"
    assert event["severity"]["coding"][0]["code"] == "mild"
    assert event["seriousness"]["coding"][0]["code"] == "non-serious"
    assert event["outcome"]["coding"][0]["code"] == "resolved"
    suspects = [resolve(bundle, s["instance"]) for s in event["suspectEntity"]]
    assert suspects[0]["batch"]["lotNumber"] == "CAF-24-117"
    assert suspects[1]["resourceType"] == "Procedure"
    condition = resolve(bundle, event["resultingCondition"][0])
    assert (condition["onsetDateTime"], condition["abatementDateTime"]) == (
        "2026-09-02",
        "2026-09-09",
    )
    assert laterality(condition["bodySite"][0]) == LEFT
    assert any("arnica gel" in note["text"] for note in condition["note"])


def test_a_voided_session_is_entered_in_error_with_its_cocktail(
    treated: Helene, tmp_path: Path
) -> None:
    second = sessions.record_session(treated.db, treated.session(SESSION_ONE.replace(day=15)))
    sessions.void_session(treated.db, second.id, "Recorded on the wrong day")
    out = tmp_path / "voided.json"
    export_fhir(treated.db, out, patient_ids=[treated.patient])
    bundle = read_bundle(out)
    voided = [p for p in resources(bundle, "Procedure") if p["status"] == "entered-in-error"]
    assert len(voided) == 1
    assert voided[0]["statusReason"]["text"] == "Recorded on the wrong day"
    lines = [
        line
        for line in resources(bundle, "MedicationAdministration")
        if line["partOf"][0]["reference"] == f"urn:uuid:{voided[0]['id']}"
    ]
    assert [line["status"] for line in lines] == ["entered-in-error"] * 2


def test_a_hostile_name_comes_back_exactly(helene: Helene, tmp_path: Path) -> None:
    family = 'O\'Brien-Ünal "</script><b>x</b>" \\ \u202eevil 🙂'
    given = 'Zoë\t{"a": 1} &amp; ]}'
    patient = add_patient(helene.db, "<?xml?>", family, given, address='1 rue "X"\nLyon')
    out = tmp_path / "hostile.json"
    export_fhir(helene.db, out, patient_ids=[patient])
    (exported,) = resources(read_bundle(out), "Patient")
    assert exported["name"][0]["family"] == family
    assert exported["name"][0]["given"] == [given]
    assert exported["identifier"][0]["value"] == "<?xml?>"
    assert exported["address"][0]["text"] == '1 rue "X"\nLyon'


def test_a_single_patients_bundle_holds_only_that_patient(helene: Helene, tmp_path: Path) -> None:
    db = helene.db
    sessions.record_session(
        db, helene.session(cocktail=(sessions.CocktailLineData(helene.caf_lot, 2.0),))
    )
    other = add_patient(db, "2026-0200", "Martin", "Anne")
    course = add_course(db, other)
    sessions.record_session(
        db, simple_session(helene.clinic, course, SESSION_ONE, lots=(helene.lc_lot,))
    )
    out = tmp_path / "one.json"
    export_fhir(db, out, patient_ids=[helene.patient])
    bundle = read_bundle(out)
    (patient,) = resources(bundle, "Patient")
    mine = f"urn:uuid:{patient['id']}"
    for entry in bundle["entry"]:
        resource = entry["resource"]
        for key in ("subject", "patient"):
            if key in resource:
                assert resource[key]["reference"] == mine, resource["resourceType"]
    assert [m["batch"]["lotNumber"] for m in resources(bundle, "Medication")] == ["CAF-24-117"]
    assert len(resources(bundle, "Procedure")) == 1


def test_full_urls_are_uuid5_of_table_and_id() -> None:
    expected = uuid.uuid5(FULL_URL_NAMESPACE, "treatment_session/42")
    assert full_url("treatment_session", 42) == f"urn:uuid:{expected}"
    assert full_url("treatment_session", 42) != full_url("treatment_session", 43)


def test_an_unknown_patient_is_refused_and_nothing_written(helene: Helene, tmp_path: Path) -> None:
    out = tmp_path / "nobody.json"
    with pytest.raises(NotFoundError, match="9999"):
        export_fhir(helene.db, out, patient_ids=[helene.patient, 9999])
    assert list(tmp_path.glob("nobody*")) == []
    with pytest.raises(ValidationError, match="none were chosen"):
        export_fhir(helene.db, out, patient_ids=[])
    assert list(tmp_path.glob("nobody*")) == []


def test_an_empty_record_gives_an_empty_valid_bundle(db: Database, tmp_path: Path) -> None:
    out = tmp_path / "empty.json"
    export_fhir(db, out)
    assert "entry" not in read_bundle(out)


# --- the whole practice ----------------------------------------------------------


@pytest.fixture(scope="module")
def practice(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A small demo practice: voided rows, amendments, maintenance, patient-rated scores."""
    path = tmp_path_factory.mktemp("practice") / "demo.sqlite"
    generate_demo(path, patients=12, seed=5, today=dt.date(2026, 11, 25))
    database = open_database(path)
    yield database
    database.close()


def test_the_whole_practice_validates_and_every_reference_resolves(
    practice: Database, tmp_path: Path
) -> None:
    out = tmp_path / "practice.json"
    seen: list[tuple[int, int]] = []
    export_fhir(practice, out, progress=lambda done, total: seen.append((done, total)))
    bundle = read_bundle(out)
    urls = [entry["fullUrl"] for entry in bundle["entry"]]
    assert len(urls) == len(set(urls))
    assert all(entry["resource"]["id"] == entry["fullUrl"][9:] for entry in bundle["entry"])
    kinds_by_url = {e["fullUrl"]: e["resource"]["resourceType"] for e in bundle["entry"]}
    for entry in bundle["entry"]:
        for ref in references(entry["resource"]):
            # Resolves inside the bundle, to a resource of the type it announces.
            assert kinds_by_url.get(ref["reference"]) == ref["type"], (entry["fullUrl"], ref)
    assert list(empty_elements(bundle)) == []
    assert len(resources(bundle, "Patient")) == 12
    assert seen[-1] == (12, 12)
    kinds = {entry["resource"]["resourceType"] for entry in bundle["entry"]}
    assert kinds >= {
        "Practitioner", "Medication", "Patient", "CarePlan", "Procedure",
        "MedicationAdministration", "Observation", "AdverseEvent", "Condition",
    }  # fmt: skip


def test_the_same_record_gives_the_same_bundle(practice: Database, tmp_path: Path) -> None:
    export_fhir(practice, tmp_path / "first.json")
    export_fhir(practice, tmp_path / "again.json")
    assert (tmp_path / "first.json").read_bytes() == (tmp_path / "again.json").read_bytes()


def test_a_cancelled_export_leaves_no_file(practice: Database, tmp_path: Path) -> None:
    out = tmp_path / "practice.json"
    out.write_text("yesterday's export", encoding="utf-8")

    def cancel_half_way(done: int, total: int) -> None:
        if done >= total // 2 > 0:
            raise Cancelled

    with pytest.raises(Cancelled):
        export_fhir(practice, out, progress=cancel_half_way)
    assert out.read_text(encoding="utf-8") == "yesterday's export"
    assert [p.name for p in tmp_path.iterdir()] == ["practice.json"]
