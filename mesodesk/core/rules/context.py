"""What the rules look at: plain facts gathered from the record, no database needed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class IngredientFacts:
    name: str
    key: str  # folded name
    aliases: tuple[str, ...] = ()  # folded


@dataclass(frozen=True, slots=True)
class ProductFacts:
    name: str
    ingredients: tuple[IngredientFacts, ...] = ()
    max_ml_per_point: float | None = None
    max_ml_per_sitting: float | None = None
    min_days_between: int | None = None


@dataclass(frozen=True, slots=True)
class LineFacts:
    """One cocktail line: the lot, its product and the volume drawn."""

    lot_number: str
    expiry_date: dt.date
    product: ProductFacts
    volume_ml: float


@dataclass(frozen=True, slots=True)
class AreaFacts:
    region_code: str
    region_name: str
    side: str
    volume_ml: float
    points: int | None


@dataclass(frozen=True, slots=True)
class ScreeningFacts:
    screened_on: dt.date
    pregnant: bool = False
    breastfeeding: bool = False
    allergies_text: str = ""  # folded
    allergy_ingredient_keys: frozenset[str] = frozenset()  # folded names
    anticoagulant_or_bleeding_disorder: bool = False
    lesion_regions: frozenset[str] = frozenset()
    active_infection_or_lesion: bool = False
    conditions: tuple[str, ...] = ()  # labels of other conditions noted (diabetes, …)


@dataclass(frozen=True, slots=True)
class SessionFacts:
    """A proposed session with everything the rules need to judge it."""

    session_date: dt.date
    date_of_birth: dt.date
    screening: ScreeningFacts | None
    lines: tuple[LineFacts, ...] = ()
    areas: tuple[AreaFacts, ...] = ()
    treatment_consent_signed: bool = False
    previous_session_date: dt.date | None = None
    course_interval_days: int | None = None
    course_start_date: dt.date | None = None
    product_last_used: dict[str, dt.date] = field(default_factory=dict)  # product name → date
