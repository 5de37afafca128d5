"""One function judges a proposed session; each rule is a small function beside it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from mesodesk.core.enums import FindingLevel
from mesodesk.core.rules.context import LineFacts, ScreeningFacts, SessionFacts

EXPIRY_WARNING_DAYS = 30
ADULT_AGE = 18
# A session more than a quarter earlier than the course's planned interval is flagged.
EARLY_FRACTION = 0.75


@dataclass(frozen=True, slots=True)
class Finding:
    """What a rule found: its code, how serious, a sentence for the practitioner.

    A ``block`` needs an override with a written reason, unless ``overridable`` is
    false: then the session cannot be saved as it is (an expired lot).
    """

    rule: str
    level: FindingLevel
    message: str
    overridable: bool = True

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "level": self.level.value,
            "message": self.message,
            "overridable": self.overridable,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Finding:
        return cls(
            rule=str(data["rule"]),
            level=FindingLevel(str(data["level"])),
            message=str(data["message"]),
            overridable=bool(data.get("overridable", True)),
        )


Rule = Callable[[SessionFacts], Iterator[Finding]]
_LEVEL_ORDER = {FindingLevel.BLOCK: 0, FindingLevel.CAUTION: 1, FindingLevel.INFO: 2}


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _fmt_ml(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") + " mL"


def rule_minor(facts: SessionFacts) -> Iterator[Finding]:
    age = age_on(facts.date_of_birth, facts.session_date)
    if age < ADULT_AGE:
        yield Finding(
            "minor",
            FindingLevel.BLOCK,
            f"The patient is {age} on the session date; mesotherapy is for adults (18+).",
        )


def rule_pregnancy(facts: SessionFacts) -> Iterator[Finding]:
    screening = facts.screening
    if screening is None:
        return
    if screening.pregnant:
        yield Finding(
            "pregnancy",
            FindingLevel.BLOCK,
            f"The screening of {screening.screened_on.isoformat()} says pregnant.",
        )
    if screening.breastfeeding:
        yield Finding(
            "breastfeeding",
            FindingLevel.BLOCK,
            f"The screening of {screening.screened_on.isoformat()} says breastfeeding.",
        )


def _mentions(text: str, word: str) -> bool:
    return (
        bool(word) and re.search(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])", text) is not None
    )


def _allergy_matches(screening: ScreeningFacts, line: LineFacts) -> Iterator[str]:
    for ingredient in line.product.ingredients:
        names = (ingredient.key, *ingredient.aliases)
        if ingredient.key in screening.allergy_ingredient_keys or any(
            _mentions(screening.allergies_text, name) for name in names
        ):
            yield ingredient.name


def rule_allergy(facts: SessionFacts) -> Iterator[Finding]:
    screening = facts.screening
    if screening is None:
        return
    for line in facts.lines:
        for ingredient in _allergy_matches(screening, line):
            yield Finding(
                "allergy",
                FindingLevel.BLOCK,
                f"Allergy to {ingredient}: {line.product.name} "
                f"(lot {line.lot_number}) contains it.",
            )


def rule_lot_expiry(facts: SessionFacts) -> Iterator[Finding]:
    for line in facts.lines:
        days_left = (line.expiry_date - facts.session_date).days
        label = f"{line.product.name} lot {line.lot_number}"
        if days_left < 0:
            yield Finding(
                "lot_expired",
                FindingLevel.BLOCK,
                f"{label} expired on {line.expiry_date.isoformat()}; choose another lot.",
                overridable=False,
            )
        elif days_left <= EXPIRY_WARNING_DAYS:
            when = "today" if days_left == 0 else f"in {days_left} days"
            yield Finding(
                "lot_expiring",
                FindingLevel.INFO,
                f"{label} expires {when} ({line.expiry_date.isoformat()}).",
            )


def rule_lesion(facts: SessionFacts) -> Iterator[Finding]:
    screening = facts.screening
    if screening is None or not screening.active_infection_or_lesion:
        return
    for area in facts.areas:
        if not screening.lesion_regions or area.region_code in screening.lesion_regions:
            yield Finding(
                "lesion",
                FindingLevel.BLOCK,
                f"Active infection or skin lesion noted at {area.region_name}.",
            )


def rule_bleeding(facts: SessionFacts) -> Iterator[Finding]:
    if facts.screening is not None and facts.screening.anticoagulant_or_bleeding_disorder:
        yield Finding(
            "bleeding_risk",
            FindingLevel.CAUTION,
            "Anticoagulant or bleeding disorder: higher risk of bruising and haematoma.",
        )


def rule_interval(facts: SessionFacts) -> Iterator[Finding]:
    if facts.previous_session_date is not None and facts.course_interval_days:
        days = (facts.session_date - facts.previous_session_date).days
        if days < facts.course_interval_days * EARLY_FRACTION:
            yield Finding(
                "interval_course",
                FindingLevel.CAUTION,
                f"Only {days} days since the previous session; the course plans "
                f"{facts.course_interval_days}.",
            )
    seen: set[str] = set()
    for line in facts.lines:
        product = line.product
        last = facts.product_last_used.get(product.name)
        if product.min_days_between is None or last is None or product.name in seen:
            continue
        seen.add(product.name)
        days = (facts.session_date - last).days
        if days < product.min_days_between:
            yield Finding(
                "interval_product",
                FindingLevel.CAUTION,
                f"{product.name} was given {days} days ago; its minimum interval is "
                f"{product.min_days_between} days.",
            )


def rule_volume_limits(facts: SessionFacts) -> Iterator[Finding]:
    total = sum(line.volume_ml for line in facts.lines)
    by_product: dict[str, float] = {}
    for line in facts.lines:
        by_product[line.product.name] = by_product.get(line.product.name, 0.0) + line.volume_ml
    products = {line.product.name: line.product for line in facts.lines}
    for name, volume in by_product.items():
        limit = products[name].max_ml_per_sitting
        if limit is not None and volume > limit + 1e-9:
            yield Finding(
                "volume_sitting",
                FindingLevel.CAUTION,
                f"{_fmt_ml(volume)} of {name} this sitting is above its limit of {_fmt_ml(limit)}.",
            )
    if total <= 0:
        return
    for area in facts.areas:
        if not area.points:
            continue
        per_point = area.volume_ml / area.points
        for name, volume in by_product.items():
            limit = products[name].max_ml_per_point
            share = per_point * volume / total
            if limit is not None and share > limit + 1e-9:
                yield Finding(
                    "volume_point",
                    FindingLevel.CAUTION,
                    f"{area.region_name}: {_fmt_ml(share)} of {name} per point is above its "
                    f"limit of {_fmt_ml(limit)}.",
                )


def rule_consent(facts: SessionFacts) -> Iterator[Finding]:
    if not facts.treatment_consent_signed:
        yield Finding("consent", FindingLevel.CAUTION, "No signed treatment consent on file.")


def rule_screening_present(facts: SessionFacts) -> Iterator[Finding]:
    if facts.screening is None:
        yield Finding(
            "no_screening",
            FindingLevel.CAUTION,
            "No screening on file: contraindications and allergies are unknown.",
        )


def rule_before_course(facts: SessionFacts) -> Iterator[Finding]:
    if facts.course_start_date is not None and facts.session_date < facts.course_start_date:
        yield Finding(
            "before_course",
            FindingLevel.INFO,
            f"The session is before the course's start date ({facts.course_start_date}).",
        )


def rule_volume_balance(facts: SessionFacts) -> Iterator[Finding]:
    prepared = sum(line.volume_ml for line in facts.lines)
    injected = sum(area.volume_ml for area in facts.areas)
    if facts.lines and injected > prepared + 1e-9:
        yield Finding(
            "volume_balance",
            FindingLevel.INFO,
            f"The areas total {_fmt_ml(injected)}, more than the {_fmt_ml(prepared)} of the "
            "cocktail lines (dilution?).",
        )


RULES: tuple[Rule, ...] = (
    rule_minor,
    rule_pregnancy,
    rule_allergy,
    rule_lot_expiry,
    rule_lesion,
    rule_bleeding,
    rule_interval,
    rule_volume_limits,
    rule_consent,
    rule_screening_present,
    rule_before_course,
    rule_volume_balance,
)


def evaluate_session(facts: SessionFacts) -> list[Finding]:
    """Every finding on a proposed session, most serious first."""
    findings = [finding for rule in RULES for finding in rule(facts)]
    return sorted(findings, key=lambda f: _LEVEL_ORDER[f.level])


_CONDITION_WORDS = {
    "diabetes": "diabetes",
    "cancer": "cancer",
    "heart_disease": "heart disease",
    "severe_hypertension": "severe hypertension",
    "kidney_failure": "kidney failure",
    "gallstones": "gallstones",
    "pacemaker": "pacemaker",
    "cortisone_therapy": "cortisone therapy",
    "keloid_history": "keloid history",
    "autoimmune_disease": "autoimmune disease",
}


def screening_findings(screening: ScreeningFacts | None) -> list[Finding]:
    """The patient-level findings for a screening badge: clear, caution or contraindicated."""
    if screening is None:
        return [Finding("no_screening", FindingLevel.CAUTION, "Not screened yet.")]
    findings: list[Finding] = []
    if screening.pregnant:
        findings.append(Finding("pregnancy", FindingLevel.BLOCK, "Pregnant."))
    if screening.breastfeeding:
        findings.append(Finding("breastfeeding", FindingLevel.BLOCK, "Breastfeeding."))
    if screening.active_infection_or_lesion:
        findings.append(
            Finding("lesion", FindingLevel.BLOCK, "Active infection or skin lesion at a site.")
        )
    if screening.anticoagulant_or_bleeding_disorder:
        findings.append(
            Finding("bleeding_risk", FindingLevel.CAUTION, "Anticoagulant or bleeding disorder.")
        )
    if has_allergies(screening):
        findings.append(Finding("allergy", FindingLevel.CAUTION, "Allergies on file."))
    if screening.conditions:
        findings.append(
            Finding("conditions", FindingLevel.CAUTION, "Noted: " + ", ".join(screening.conditions))
        )
    return findings


_NO_ALLERGY = re.compile(
    r"^(none( known)?|no( known)?( drug)?( allerg(y|ies))?( known)?|nil|nka|nkda|-)?[ .!]*$"
)


def has_allergies(screening: ScreeningFacts) -> bool:
    """Whether the screening names any allergy ("none known" does not)."""
    return bool(screening.allergy_ingredient_keys) or not _NO_ALLERGY.match(
        screening.allergies_text
    )


def condition_labels(flags: dict[str, bool]) -> tuple[str, ...]:
    """The words for the other conditions ticked on a screening."""
    return tuple(word for key, word in _CONDITION_WORDS.items() if flags.get(key))
