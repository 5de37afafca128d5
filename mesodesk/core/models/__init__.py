"""SQLAlchemy models of the record (shared/DESIGN.md "The record")."""

from mesodesk.core.models.audit import AuditEntry
from mesodesk.core.models.base import Audited, Base, Voidable
from mesodesk.core.models.catalogue import (
    AftercareSheet,
    Indication,
    Ingredient,
    Lot,
    Metric,
    NeedleGauge,
    NeedleLength,
    Product,
    ProductIngredient,
    Region,
    SideEffectType,
    Technique,
)
from mesodesk.core.models.outcomes import Measurement, Photo, PhotoPair, SideEffect
from mesodesk.core.models.people import (
    Consent,
    Patient,
    Practitioner,
    Screening,
    ScreeningAllergy,
    Setting,
)
from mesodesk.core.models.treatment import (
    CocktailLine,
    Course,
    ProtocolTemplate,
    TreatedArea,
    TreatmentSession,
)

__all__ = [
    "AftercareSheet",
    "AuditEntry",
    "Audited",
    "Base",
    "CocktailLine",
    "Consent",
    "Course",
    "Indication",
    "Ingredient",
    "Lot",
    "Measurement",
    "Metric",
    "NeedleGauge",
    "NeedleLength",
    "Patient",
    "Photo",
    "PhotoPair",
    "Practitioner",
    "Product",
    "ProductIngredient",
    "ProtocolTemplate",
    "Region",
    "Screening",
    "ScreeningAllergy",
    "Setting",
    "SideEffect",
    "SideEffectType",
    "Technique",
    "TreatedArea",
    "TreatmentSession",
    "Voidable",
]
