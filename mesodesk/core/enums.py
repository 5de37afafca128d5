"""Closed vocabularies of the record. Stored by their ``value``; shown by ``label``."""

from __future__ import annotations

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A string enum whose members have a human label."""

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Sex(LabelledEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class ConsentKind(LabelledEnum):
    TREATMENT = "treatment"
    PHOTOS = "photos"


class CourseStatus(LabelledEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    MAINTENANCE = "maintenance"
    COMPLETED = "completed"
    STOPPED = "stopped"
    PAUSED = "paused"

    @property
    def is_open(self) -> bool:
        """Whether sessions are still expected in a course of this status."""
        return self in (CourseStatus.PLANNED, CourseStatus.ACTIVE, CourseStatus.MAINTENANCE)


class Device(LabelledEnum):
    MANUAL_NEEDLE = "manual_needle"
    GUN = "gun"

    @property
    def label(self) -> str:
        return {"manual_needle": "Manual needle", "gun": "Mesotherapy gun"}[self.value]


class Anaesthesia(LabelledEnum):
    NONE = "none"
    TOPICAL = "topical"
    LOCAL = "local"


class Side(LabelledEnum):
    LEFT = "left"
    RIGHT = "right"
    BOTH = "both"
    MIDLINE = "midline"


class Severity(LabelledEnum):
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


class Rater(LabelledEnum):
    CLINICIAN = "clinician"
    PATIENT = "patient"


class ConcentrationUnit(StrEnum):
    MG_PER_ML = "mg/mL"
    PERCENT = "%"


class Better(LabelledEnum):
    LOWER = "lower"
    HIGHER = "higher"
    NONE = "none"


class Scale(LabelledEnum):
    CONTINUOUS = "continuous"
    ORDINAL = "ordinal"
    COUNT = "count"


class FindingLevel(LabelledEnum):
    BLOCK = "block"
    CAUTION = "caution"
    INFO = "info"


class PhotoView(LabelledEnum):
    FRONT = "front"
    BACK = "back"
    LEFT = "left"
    RIGHT = "right"
    SCALP_TOP = "scalp_top"
    FACE_FRONT = "face_front"
    FACE_LEFT = "face_left"
    FACE_RIGHT = "face_right"
    FACE_OBLIQUE_LEFT = "face_oblique_left"
    FACE_OBLIQUE_RIGHT = "face_oblique_right"


class AuditAction(StrEnum):
    INSERT = "insert"
    UPDATE = "update"
    DELETE = "delete"
