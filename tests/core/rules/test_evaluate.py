"""The clinical rules, judged on plain facts (DESIGN.md "Clinical rules")."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from mesodesk.core.enums import FindingLevel
from mesodesk.core.rules import (
    AreaFacts,
    LineFacts,
    ProductFacts,
    ScreeningFacts,
    SessionFacts,
    evaluate_session,
    screening_findings,
)
from mesodesk.core.rules.context import IngredientFacts

DAY = dt.date(2026, 9, 1)
CAFFEINE = ProductFacts("Cafeína 1%", (IngredientFacts("Caffeine", "caffeine"),))
HAIR_MIX = ProductFacts(
    "Hair complex",
    (
        IngredientFacts("Biotin", "biotin"),
        IngredientFacts("Dexpanthenol", "dexpanthenol", ("panthenol",)),
        IngredientFacts("Lidocaine", "lidocaine", ("lignocaine", "xylocaine")),
    ),
)
SCREENED = ScreeningFacts(screened_on=DAY, allergies_text="none known")


def facts(**changes: object) -> SessionFacts:
    base = SessionFacts(
        session_date=DAY,
        date_of_birth=dt.date(1984, 5, 12),
        screening=SCREENED,
        lines=(LineFacts("CAF-24-117", dt.date(2027, 3, 31), CAFFEINE, 2.0),),
        areas=(AreaFacts("thigh_outer", "Outer thigh", "left", 2.0, 60),),
        treatment_consent_signed=True,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def rules(found: list) -> dict[str, FindingLevel]:  # type: ignore[type-arg]
    return {f.rule: f.level for f in found}


def test_a_clean_session_has_no_finding() -> None:
    assert evaluate_session(facts()) == []


@pytest.mark.parametrize(
    ("session_date", "blocked"),
    [(dt.date(2026, 5, 31), True), (dt.date(2026, 6, 1), False), (dt.date(2026, 6, 2), False)],
)
def test_the_18th_birthday_itself_is_not_blocked(session_date: dt.date, blocked: bool) -> None:
    # SCENARIOS.md §5 says born 2009-06-01, but that birthday in 2026 is the 17th; the
    # rule is about the 18th, so the patient here is born in 2008.
    found = evaluate_session(
        facts(session_date=session_date, date_of_birth=dt.date(2008, 6, 1), lines=(), areas=())
    )
    assert ("minor" in rules(found)) is blocked
    if blocked:
        assert rules(found)["minor"] == FindingLevel.BLOCK
        assert "is 17 on the session date" in found[0].message


@pytest.mark.parametrize("flag", ["pregnant", "breastfeeding"])
def test_pregnancy_and_breastfeeding_block(flag: str) -> None:
    screening = dataclasses.replace(SCREENED, **{flag: True})
    found = rules(evaluate_session(facts(screening=screening)))
    assert found[{"pregnant": "pregnancy", "breastfeeding": "breastfeeding"}[flag]] == (
        FindingLevel.BLOCK
    )


@pytest.mark.parametrize(
    "screening",
    [
        dataclasses.replace(SCREENED, allergies_text="lidocaine"),
        dataclasses.replace(SCREENED, allergies_text="penicillin, lignocaine (rash)"),
        dataclasses.replace(
            SCREENED, allergies_text="", allergy_ingredient_keys=frozenset({"lidocaine"})
        ),
    ],
    ids=["free text", "alias in free text", "linked ingredient"],
)
def test_an_allergy_to_one_ingredient_of_a_three_ingredient_product_blocks(
    screening: ScreeningFacts,
) -> None:
    lines = (
        LineFacts("CAF-24-117", dt.date(2027, 3, 31), CAFFEINE, 2.0),
        LineFacts("HC-1", dt.date(2027, 3, 31), HAIR_MIX, 1.0),
    )
    found = evaluate_session(facts(screening=screening, lines=lines))
    allergy = [f for f in found if f.rule == "allergy"]
    assert len(allergy) == 1
    assert allergy[0].level == FindingLevel.BLOCK
    assert "Lidocaine" in allergy[0].message and "Hair complex" in allergy[0].message


@pytest.mark.parametrize("text", ["none known", "None", "NKDA", "no known allergies", ""])
def test_no_known_allergy_is_no_allergy(text: str) -> None:
    screening = dataclasses.replace(SCREENED, allergies_text=text.lower())
    lines = (LineFacts("HC-1", dt.date(2027, 3, 31), HAIR_MIX, 1.0),)
    assert "allergy" not in rules(evaluate_session(facts(screening=screening, lines=lines)))
    assert "allergy" not in rules(screening_findings(screening))


def test_a_word_inside_another_is_no_allergy() -> None:
    # "caffeine" must not match an allergy to "caffeine-free coffee"? It does: whole word.
    # But "pro" must not match "procaine": only whole words match.
    screening = dataclasses.replace(SCREENED, allergies_text="pro")
    assert "allergy" not in rules(evaluate_session(facts(screening=screening)))


def test_an_expired_lot_blocks_without_override() -> None:
    line = LineFacts("LC-2409-A", dt.date(2026, 12, 15), CAFFEINE, 2.0)
    found = evaluate_session(facts(session_date=dt.date(2026, 12, 16), lines=(line,)))
    expired = [f for f in found if f.rule == "lot_expired"]
    assert expired and expired[0].level == FindingLevel.BLOCK
    assert expired[0].overridable is False


def test_a_lot_expiring_on_the_session_date_is_usable_that_day() -> None:
    line = LineFacts("LC-2409-A", dt.date(2026, 12, 15), CAFFEINE, 2.0)
    found = evaluate_session(facts(session_date=dt.date(2026, 12, 15), lines=(line,)))
    assert rules(found) == {"lot_expiring": FindingLevel.INFO}
    assert "expires today" in found[0].message


def test_a_lot_expiring_within_30_days_is_info() -> None:
    line = LineFacts("LC-2409-A", DAY + dt.timedelta(days=30), CAFFEINE, 2.0)
    assert rules(evaluate_session(facts(lines=(line,)))) == {"lot_expiring": FindingLevel.INFO}
    line = LineFacts("LC-2409-A", DAY + dt.timedelta(days=31), CAFFEINE, 2.0)
    assert evaluate_session(facts(lines=(line,))) == []


def test_a_lesion_blocks_only_the_region_it_is_at() -> None:
    screening = dataclasses.replace(
        SCREENED, active_infection_or_lesion=True, lesion_regions=frozenset({"buttock"})
    )
    areas = (
        AreaFacts("thigh_outer", "Outer thigh", "left", 2.0, 60),
        AreaFacts("buttock", "Buttock", "both", 0.8, 20),
    )
    lesions = [
        f for f in evaluate_session(facts(screening=screening, areas=areas)) if f.rule == "lesion"
    ]
    assert len(lesions) == 1 and "Buttock" in lesions[0].message


def test_anticoagulants_are_a_caution() -> None:
    screening = dataclasses.replace(SCREENED, anticoagulant_or_bleeding_disorder=True)
    assert rules(evaluate_session(facts(screening=screening))) == {
        "bleeding_risk": FindingLevel.CAUTION
    }


def test_too_soon_after_the_previous_session_is_a_caution() -> None:
    early = facts(previous_session_date=DAY - dt.timedelta(days=10), course_interval_days=14)
    assert rules(evaluate_session(early)) == {"interval_course": FindingLevel.CAUTION}
    on_time = facts(previous_session_date=DAY - dt.timedelta(days=12), course_interval_days=14)
    assert evaluate_session(on_time) == []


def test_a_products_minimum_interval_is_a_caution() -> None:
    product = dataclasses.replace(CAFFEINE, min_days_between=14)
    line = LineFacts("CAF-24-117", dt.date(2027, 3, 31), product, 2.0)
    found = evaluate_session(
        facts(lines=(line,), product_last_used={product.name: DAY - dt.timedelta(days=7)})
    )
    assert rules(found) == {"interval_product": FindingLevel.CAUTION}


def test_volume_limits_per_point_and_per_sitting_are_cautions() -> None:
    product = dataclasses.replace(CAFFEINE, max_ml_per_point=0.02, max_ml_per_sitting=1.5)
    line = LineFacts("CAF-24-117", dt.date(2027, 3, 31), product, 2.0)
    areas = (AreaFacts("thigh_outer", "Outer thigh", "left", 2.0, 60),)  # 0.033 mL a point
    assert rules(evaluate_session(facts(lines=(line,), areas=areas))) == {
        "volume_sitting": FindingLevel.CAUTION,
        "volume_point": FindingLevel.CAUTION,
    }


def test_no_consent_and_no_screening_are_cautions() -> None:
    found = rules(evaluate_session(facts(treatment_consent_signed=False, screening=None)))
    assert found == {"consent": FindingLevel.CAUTION, "no_screening": FindingLevel.CAUTION}


def test_findings_come_most_serious_first() -> None:
    screening = dataclasses.replace(
        SCREENED, pregnant=True, anticoagulant_or_bleeding_disorder=True
    )
    line = LineFacts("LC-2409-A", DAY + dt.timedelta(days=3), CAFFEINE, 2.0)
    levels = [f.level for f in evaluate_session(facts(screening=screening, lines=(line,)))]
    assert levels == sorted(
        levels, key=[FindingLevel.BLOCK, FindingLevel.CAUTION, FindingLevel.INFO].index
    )
    assert levels[0] == FindingLevel.BLOCK and levels[-1] == FindingLevel.INFO


def test_screening_badge() -> None:
    assert [f.level for f in screening_findings(None)] == [FindingLevel.CAUTION]
    assert screening_findings(SCREENED) == []
    pregnant = dataclasses.replace(SCREENED, pregnant=True)
    assert FindingLevel.BLOCK in {f.level for f in screening_findings(pregnant)}
