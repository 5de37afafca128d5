"""The code systems and code tables of the FHIR export (docs/formats/fhir.md).

Standard systems (LOINC, SNOMED CT, UCUM, HL7 terminology) are used where a code with
the same meaning exists; everything else is coded in mesodesk's own code systems, named
under :data:`BASE`, with the stable lowercase codes of the catalogues.
"""

from __future__ import annotations

import uuid
from typing import Final

BASE: Final = "https://mesodesk.invalid/fhir"
"""Root of mesodesk's own code systems. ``.invalid`` never resolves (RFC 2606): the
systems are identifiers, not web pages, until the project publishes them."""


def system(name: str) -> str:
    """The URI of one of mesodesk's code systems (``metric``, ``region``…)."""
    return f"{BASE}/CodeSystem/{name}"


FILE_NUMBER: Final = f"{BASE}/NamingSystem/file-number"

FULL_URL_NAMESPACE: Final = uuid.uuid5(uuid.NAMESPACE_URL, BASE)
"""fullUrl of row ``id`` of ``table``: ``urn:uuid:`` + uuid5(this, "table/id")."""

LOINC: Final = "http://loinc.org"
SNOMED: Final = "http://snomed.info/sct"
UCUM: Final = "http://unitsofmeasure.org"
HL7: Final = "http://terminology.hl7.org/CodeSystem"
OBSERVATION_CATEGORY: Final = f"{HL7}/observation-category"
CONDITION_CLINICAL: Final = f"{HL7}/condition-clinical"
CONDITION_VERIFICATION: Final = f"{HL7}/condition-ver-status"
AE_SERIOUSNESS: Final = f"{HL7}/adverse-event-seriousness"
AE_SEVERITY: Final = f"{HL7}/adverse-event-severity"
AE_OUTCOME: Final = f"{HL7}/adverse-event-outcome"

LATERALITY_EXTENSION: Final = (
    "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-laterality-qualifier"
)
"""A published R4 extension (mCODE) allowed on ``Procedure.bodySite`` and
``Condition.bodySite``: R4 has no laterality element of its own."""

LATERALITY: Final = {
    "left": ("7771000", "Left"),
    "right": ("24028007", "Right"),
    "both": ("51440002", "Right and left"),
}
"""SNOMED CT qualifier values for the sides of a sided region; midline has none."""

VITAL_SIGNS: Final = frozenset({"29463-7", "8302-2", "39156-5"})
"""LOINC codes of the vital-signs category: body weight, body height, BMI."""

GENDER: Final = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}

CARE_PLAN_STATUS: Final = {
    "planned": "active",
    "active": "active",
    "maintenance": "active",
    "paused": "on-hold",
    "completed": "completed",
    "stopped": "revoked",
}
"""Course status → CarePlan.status (a planned course is a plan already in force)."""

COURSE_ACTIVITY_STATUS: Final = {
    "planned": "not-started",
    "active": "in-progress",
    "maintenance": "completed",
    "paused": "on-hold",
    "completed": "completed",
    "stopped": "stopped",
}
"""Course status → status of the planned series of sessions."""

MAINTENANCE_ACTIVITY_STATUS: Final = {
    "planned": "not-started",
    "active": "not-started",
    "maintenance": "in-progress",
    "paused": "on-hold",
    "completed": "completed",
    "stopped": "stopped",
}
"""Course status → status of the maintenance sessions that follow the series."""

SEVERITY: Final = {"mild": "Mild", "moderate": "Moderate", "severe": "Severe"}
"""Side-effect severity → display of the HL7 adverse-event-severity code (same code)."""

CONDITION_SEVERITY: Final = {
    "mild": ("255604002", "Mild"),
    "moderate": ("6736007", "Moderate"),
    "severe": ("24484000", "Severe"),
}
"""Side-effect severity → SNOMED CT code of the condition-severity value set."""

DEVICE: Final = {"manual_needle": "Manual needle", "gun": "Mesotherapy gun"}
ANAESTHESIA: Final = {"none": "None", "topical": "Topical", "local": "Local"}

PROCEDURE_CODE: Final = ("mesotherapy-session", "Mesotherapy session")
"""The code of every Procedure, in mesodesk's ``procedure`` system."""
