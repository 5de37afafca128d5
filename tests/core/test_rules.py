"""The clinical rules, pure: facts in, findings out (DESIGN.md "Clinical rules")."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from mesodesk.core.enums import FindingLevel
from mesodesk.core.rules import (
    AreaFacts,
    Finding,
    LineFacts,
    ProductFacts,
    ScreeningFacts,
    SessionFacts,
    evaluate_session,
    screening_findings,
)
from mesodesk.core.rules.context import IngredientFacts
from mesodesk.core.text import fold

DAY = dt.date(2026, 9, 1)
ADULT = dt.date(1984, 5, 12)

CAFFEINE = ProductFacts("Cafeína 1%", (IngredientFacts("Caffeine", "caffeine"),))
LIDOCAINE = IngredientFacts(
    "Lidocaine", "lidocaine", ("lignocaine", "xylocaine", "lidocaine hydrochloride")
)
LIPO_MIX = ProductFacts(
    "Lipo-mix",
    (
        IngredientFacts("Phosphatidylcholine", "phosphatidylcholine", ("ppc", "lecithin")),
        IngredientFacts("Deoxycholic acid", "deoxycholic acid", ("deoxycholate",)),
        LIDOCAINE,
    ),
)
THIGH = AreaFacts("thigh_outer", "Outer thigh (saddlebags)", "left", 2.0, 60)
CHEEK = AreaFacts("cheek", "Cheek", "left", 0.5, 20)


def line(
    product: ProductFacts = CAFFEINE,
    expiry: dt.date = dt.date(2027, 3, 31),
    volume: float = 2.0,
    lot: str = "CAF-24-117",
) -> LineFacts:
    return LineFacts(lot, expiry, product, volume)


def screened(**flags: object) -> ScreeningFacts:
    return dataclasses.replace(ScreeningFacts(screened_on=DAY), **flags)  # type: ignore[arg-type]


def facts(**changes: object) -> SessionFacts:
    """A session that every rule lets through: an adult, screened, consenting."""
    base = SessionFacts(
        session_date=DAY,
        date_of_birth=ADULT,
        screening=screened(allergies_text="none known"),
        lines=(line(),),
        areas=(THIGH,),
        treatment_consent_signed=True,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def by_rule(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


def rules(findings: list[Finding]) -> set[str]:
    return {f.rule for f in findings}


def test_a_clean_session_has_no_finding() -> None:
    assert evaluate_session(facts()) == []


# --- age ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("session_day", "blocked"),
    [
        (dt.date(2026, 5, 31), True),  # the day before her 18th birthday: she is 17
        (dt.date(2026, 6, 1), False),  # her 18th birthday itself
        (dt.date(2026, 6, 2), False),
    ],
)
def test_a_minor_is_blocked_until_the_18th_birthday(session_day: dt.date, blocked: bool) -> None:
    # SCENARIOS.md §5 says "born 2009-06-01" but also "2026-06-01 (her 18th birthday)";
    # the 18th birthday on 2026-06-01 means born 2008-06-01, which is what is tested here.
    found = by_rule(
        evaluate_session(facts(session_date=session_day, date_of_birth=dt.date(2008, 6, 1))),
        "minor",
    )
    if blocked:
        assert [f.level for f in found] == [FindingLevel.BLOCK]
        assert found[0].overridable
        assert "17" in found[0].message
    else:
        assert found == []


def test_born_2009_06_01_is_still_a_minor_in_2026() -> None:
    born = dt.date(2009, 6, 1)
    for day in (dt.date(2026, 5, 31), dt.date(2026, 6, 1)):
        [finding] = by_rule(evaluate_session(facts(session_date=day, date_of_birth=born)), "minor")
        assert finding.level == FindingLevel.BLOCK
    assert not by_rule(
        evaluate_session(facts(session_date=dt.date(2027, 6, 1), date_of_birth=born)), "minor"
    )


def test_a_leap_day_birthday_turns_18_on_the_first_of_march() -> None:
    born = dt.date(2008, 2, 29)
    assert by_rule(
        evaluate_session(facts(session_date=dt.date(2026, 2, 28), date_of_birth=born)), "minor"
    )
    assert not by_rule(
        evaluate_session(facts(session_date=dt.date(2026, 3, 1), date_of_birth=born)), "minor"
    )


# --- pregnancy, breastfeeding --------------------------------------------------------


@pytest.mark.parametrize("flag", ["pregnant", "breastfeeding"])
def test_pregnancy_and_breastfeeding_block(flag: str) -> None:
    findings = evaluate_session(facts(screening=screened(**{flag: True})))
    rule = "pregnancy" if flag == "pregnant" else "breastfeeding"
    [finding] = by_rule(findings, rule)
    assert finding.level == FindingLevel.BLOCK
    assert finding.overridable
    assert DAY.isoformat() in finding.message


# --- allergies ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "allergy",
    [
        "lidocaine",
        "Lidocaïne (hives, 2019)",
        "penicillin, LIGNOCAINE",
        "xylocaine",
        "allergic to lidocaine hydrochloride",
    ],
)
def test_an_allergy_to_one_of_three_ingredients_blocks(allergy: str) -> None:
    findings = evaluate_session(
        facts(
            screening=screened(allergies_text=fold(allergy)),
            lines=(line(), line(LIPO_MIX, lot="LM-77", volume=1.0)),
        )
    )
    [finding] = by_rule(findings, "allergy")
    assert finding.level == FindingLevel.BLOCK
    assert "Lidocaine" in finding.message
    assert "Lipo-mix" in finding.message and "LM-77" in finding.message


def test_an_allergy_linked_to_the_catalogue_ingredient_blocks_without_free_text() -> None:
    findings = evaluate_session(
        facts(
            screening=screened(allergy_ingredient_keys=frozenset({"lidocaine"})),
            lines=(line(LIPO_MIX, lot="LM-77"),),
        )
    )
    assert [f.level for f in by_rule(findings, "allergy")] == [FindingLevel.BLOCK]


@pytest.mark.parametrize(
    "allergy", ["none known", "", "NKDA", "no known allergies", "nil", "No known drug allergies."]
)
def test_none_known_is_no_allergy(allergy: str) -> None:
    findings = evaluate_session(
        facts(screening=screened(allergies_text=fold(allergy)), lines=(line(LIPO_MIX),))
    )
    assert by_rule(findings, "allergy") == []
    assert screening_findings(screened(allergies_text=fold(allergy))) == []


def test_an_allergy_to_something_else_or_a_longer_word_does_not_block() -> None:
    # "procaine" is not "lidocaine"; "caffeinated" is not an allergy to caffeine itself.
    findings = evaluate_session(
        facts(
            screening=screened(allergies_text="procaine, caffeinated drinks"),
            lines=(line(LIPO_MIX), line()),
        )
    )
    assert by_rule(findings, "allergy") == []


# --- lots ----------------------------------------------------------------------------


def test_a_lot_expired_the_day_before_blocks_and_cannot_be_overridden() -> None:
    findings = evaluate_session(facts(lines=(line(expiry=DAY - dt.timedelta(days=1)),)))
    [finding] = by_rule(findings, "lot_expired")
    assert finding.level == FindingLevel.BLOCK
    assert finding.overridable is False
    assert "CAF-24-117" in finding.message
    assert by_rule(findings, "lot_expiring") == []


def test_a_lot_expiring_on_the_session_day_is_info_expires_today() -> None:
    findings = evaluate_session(facts(lines=(line(expiry=DAY),)))
    assert by_rule(findings, "lot_expired") == []
    [finding] = by_rule(findings, "lot_expiring")
    assert finding.level == FindingLevel.INFO
    assert "expires today" in finding.message


@pytest.mark.parametrize(("days", "warned"), [(1, True), (29, True), (30, True), (31, False)])
def test_a_lot_expiring_within_30_days_is_info(days: int, warned: bool) -> None:
    findings = evaluate_session(facts(lines=(line(expiry=DAY + dt.timedelta(days=days)),)))
    found = by_rule(findings, "lot_expiring")
    assert [f.level for f in found] == ([FindingLevel.INFO] if warned else [])
    if warned:
        assert f"in {days} days" in found[0].message


def test_scenario_2_lc_2409_a_is_blocked_the_day_after_its_expiry() -> None:
    carnitine = ProductFacts("L-carnitine 20%", (IngredientFacts("L-carnitine", "l-carnitine"),))
    expiry = dt.date(2026, 12, 15)
    lc = LineFacts("LC-2409-A", expiry, carnitine, 2.0)
    on_the_day = evaluate_session(facts(session_date=expiry, lines=(line(), lc)))
    assert by_rule(on_the_day, "lot_expired") == []
    day_after = evaluate_session(facts(session_date=dt.date(2026, 12, 16), lines=(line(), lc)))
    [blocked] = by_rule(day_after, "lot_expired")
    assert "LC-2409-A" in blocked.message
    assert not blocked.overridable


# --- lesions -------------------------------------------------------------------------


def test_a_lesion_blocks_only_the_region_listed() -> None:
    findings = evaluate_session(
        facts(
            screening=screened(
                active_infection_or_lesion=True, lesion_regions=frozenset({"cheek"})
            ),
            areas=(THIGH, CHEEK),
        )
    )
    [finding] = by_rule(findings, "lesion")
    assert finding.level == FindingLevel.BLOCK
    assert "Cheek" in finding.message
    untouched = evaluate_session(
        facts(
            screening=screened(
                active_infection_or_lesion=True, lesion_regions=frozenset({"cheek"})
            ),
            areas=(THIGH,),
        )
    )
    assert by_rule(untouched, "lesion") == []


def test_a_lesion_without_regions_blocks_every_area() -> None:
    findings = evaluate_session(
        facts(screening=screened(active_infection_or_lesion=True), areas=(THIGH, CHEEK))
    )
    assert len(by_rule(findings, "lesion")) == 2


# --- cautions ------------------------------------------------------------------------


def test_an_anticoagulant_is_a_caution() -> None:
    findings = evaluate_session(facts(screening=screened(anticoagulant_or_bleeding_disorder=True)))
    [finding] = by_rule(findings, "bleeding_risk")
    assert finding.level == FindingLevel.CAUTION
    assert "bruising" in finding.message.lower()


@pytest.mark.parametrize(("days", "caution"), [(7, True), (10, True), (11, False), (14, False)])
def test_a_session_more_than_a_quarter_early_is_a_caution(days: int, caution: bool) -> None:
    findings = evaluate_session(
        facts(previous_session_date=DAY - dt.timedelta(days=days), course_interval_days=14)
    )
    found = by_rule(findings, "interval_course")
    assert [f.level for f in found] == ([FindingLevel.CAUTION] if caution else [])


def test_a_product_given_again_before_its_minimum_days_is_a_caution() -> None:
    strict = dataclasses.replace(CAFFEINE, min_days_between=21)
    early = facts(
        lines=(line(strict),), product_last_used={"Cafeína 1%": DAY - dt.timedelta(days=14)}
    )
    [finding] = by_rule(evaluate_session(early), "interval_product")
    assert finding.level == FindingLevel.CAUTION
    assert "14 days" in finding.message and "21" in finding.message
    in_time = facts(
        lines=(line(strict),), product_last_used={"Cafeína 1%": DAY - dt.timedelta(days=21)}
    )
    assert by_rule(evaluate_session(in_time), "interval_product") == []


def test_volume_above_the_product_limit_per_sitting_is_a_caution() -> None:
    limited = dataclasses.replace(CAFFEINE, max_ml_per_sitting=3.0)
    over = evaluate_session(facts(lines=(line(limited, volume=2.0), line(limited, volume=1.5))))
    [finding] = by_rule(over, "volume_sitting")
    assert finding.level == FindingLevel.CAUTION
    assert "3.5 mL" in finding.message
    at_limit = evaluate_session(facts(lines=(line(limited, volume=3.0),)))
    assert by_rule(at_limit, "volume_sitting") == []


def test_volume_above_the_product_limit_per_point_is_a_caution() -> None:
    limited = dataclasses.replace(CAFFEINE, max_ml_per_point=0.02)
    few_points = AreaFacts("thigh_outer", "Outer thigh (saddlebags)", "left", 2.0, 50)  # 0.04
    over = evaluate_session(facts(lines=(line(limited),), areas=(few_points,)))
    [finding] = by_rule(over, "volume_point")
    assert finding.level == FindingLevel.CAUTION
    assert "Outer thigh" in finding.message
    many_points = AreaFacts("thigh_outer", "Outer thigh (saddlebags)", "left", 2.0, 100)
    assert (
        by_rule(
            evaluate_session(facts(lines=(line(limited),), areas=(many_points,))), "volume_point"
        )
        == []
    )


def test_no_treatment_consent_is_a_caution() -> None:
    [finding] = by_rule(evaluate_session(facts(treatment_consent_signed=False)), "consent")
    assert finding.level == FindingLevel.CAUTION


def test_no_screening_is_a_caution() -> None:
    [finding] = by_rule(evaluate_session(facts(screening=None)), "no_screening")
    assert finding.level == FindingLevel.CAUTION


# --- ordering ------------------------------------------------------------------------


def test_findings_come_block_then_caution_then_info() -> None:
    findings = evaluate_session(
        facts(
            date_of_birth=dt.date(2010, 1, 1),
            screening=screened(anticoagulant_or_bleeding_disorder=True, pregnant=True),
            lines=(
                line(expiry=DAY + dt.timedelta(days=5)),
                line(expiry=DAY - dt.timedelta(days=3)),
            ),
            treatment_consent_signed=False,
        )
    )
    levels = [f.level for f in findings]
    order = {FindingLevel.BLOCK: 0, FindingLevel.CAUTION: 1, FindingLevel.INFO: 2}
    assert levels == sorted(levels, key=order.__getitem__)
    assert set(levels) == set(FindingLevel)
    assert {
        "minor",
        "pregnancy",
        "lot_expired",
        "bleeding_risk",
        "consent",
        "lot_expiring",
    } <= rules(findings)


def test_a_finding_round_trips_through_its_dict() -> None:
    finding = Finding("lot_expired", FindingLevel.BLOCK, "gone", overridable=False)
    assert Finding.from_dict(finding.as_dict()) == finding


# --- the screening badge -------------------------------------------------------------


def test_the_badge_findings_of_a_screening() -> None:
    assert [f.level for f in screening_findings(None)] == [FindingLevel.CAUTION]
    assert screening_findings(screened(allergies_text="none known")) == []
    levels = {
        f.rule: f.level for f in screening_findings(screened(pregnant=True, allergies_text="latex"))
    }
    assert levels == {"pregnancy": FindingLevel.BLOCK, "allergy": FindingLevel.CAUTION}
