"""The practitioner's shelf: products, their ingredients and lots (SCENARIOS.md §1)."""

from __future__ import annotations

import datetime as dt

import pytest

from mesodesk.core.db import Database
from mesodesk.core.enums import ConcentrationUnit
from mesodesk.core.errors import ValidationError
from mesodesk.core.services import audit, catalogue
from mesodesk.core.services.catalogue import IngredientAmount, LotData, ProductData
from tests.core.conftest import SHELF_DAY, Clinic, build_clinic, count_rows

LIPO_MIX = ProductData(
    "Lipo-mix",
    manufacturer="Lab X",
    ingredients=(
        IngredientAmount("Phosphatidylcholine", 50),
        IngredientAmount("sodium deoxycholate", 4.75),  # an alias of deoxycholic acid
        IngredientAmount("Lignocaine", 2, ConcentrationUnit.PERCENT),  # an alias of lidocaine
    ),
    max_ml_per_point=0.2,
    max_ml_per_sitting=10,
    min_days_between=21,
)


def product(db: Database, product_id: int) -> catalogue.ProductView:
    [found] = [p for p in catalogue.products(db, include_inactive=True) if p.id == product_id]
    return found


def test_a_product_takes_its_ingredients_by_name_or_alias(db: Database) -> None:
    pid = catalogue.add_product(db, LIPO_MIX)
    view = product(db, pid)
    assert view.name == "Lipo-mix" and view.manufacturer == "Lab X"
    assert [(i.ingredient, i.concentration, i.unit) for i in view.ingredients] == [
        ("Phosphatidylcholine", 50, ConcentrationUnit.MG_PER_ML),
        ("Deoxycholic acid", 4.75, ConcentrationUnit.MG_PER_ML),
        ("Lidocaine", 2, ConcentrationUnit.PERCENT),
    ]
    assert (view.max_ml_per_point, view.max_ml_per_sitting, view.min_days_between) == (
        0.2,
        10,
        21,
    )
    assert view.active and view.lots == ()


def test_an_ingredient_name_is_matched_without_case_or_accents(db: Database) -> None:
    pid = catalogue.add_product(
        db, ProductData("Anesth", ingredients=(IngredientAmount("LIDOCAÏNE"),))
    )
    assert [i.ingredient for i in product(db, pid).ingredients] == ["Lidocaine"]


def test_an_unknown_ingredient_is_refused_and_nothing_is_written(db: Database) -> None:
    before = count_rows(db, "product", "product_ingredient", "audit_entry")
    with pytest.raises(ValidationError) as caught:
        catalogue.add_product(
            db,
            ProductData(
                "Mystery",
                ingredients=(IngredientAmount("caffeine"), IngredientAmount("unobtainium")),
            ),
        )
    assert caught.value.field == "Ingredient"
    assert "unobtainium" in str(caught.value)
    assert count_rows(db, "product", "product_ingredient", "audit_entry") == before


def test_a_new_ingredient_can_be_added_then_used(db: Database) -> None:
    catalogue.add_ingredient(db, "Unobtainium", aliases=("Unob",), category="experimental")
    pid = catalogue.add_product(db, ProductData("Mystery", ingredients=(IngredientAmount("unob"),)))
    assert [i.ingredient for i in product(db, pid).ingredients] == ["Unobtainium"]
    with pytest.raises(ValidationError) as caught:
        catalogue.add_ingredient(db, "unobtainium")
    assert caught.value.field == "Ingredient name"


@pytest.mark.parametrize("name", ["Lipo-mix", "LIPO-MIX", " lipo-mix "])
def test_a_product_name_is_taken_once(db: Database, name: str) -> None:
    catalogue.add_product(db, LIPO_MIX)
    with pytest.raises(ValidationError) as caught:
        catalogue.add_product(db, ProductData(name))
    assert caught.value.field == "Product name"
    assert count_rows(db, "product") == {"product": 1}


def test_the_same_product_name_with_an_accented_capital_is_refused_cleanly(db: Database) -> None:
    catalogue.add_product(db, ProductData("CAFEÍNA 1%"))
    with pytest.raises(ValidationError) as caught:
        catalogue.add_product(db, ProductData("CAFEÍNA 1%"))
    assert caught.value.field == "Product name"


def test_a_product_name_with_accents_is_taken_once_whatever_the_case(db: Database) -> None:
    catalogue.add_product(db, ProductData("CAFEÍNA 1%"))
    with pytest.raises(ValidationError) as caught:
        catalogue.add_product(db, ProductData("Cafeína 1%"))
    assert caught.value.field == "Product name"


def test_an_ingredient_listed_twice_under_an_alias_is_refused(db: Database) -> None:
    # "Lignocaine" is lidocaine: keeping one of the two concentrations would lose the other.
    with pytest.raises(ValidationError) as caught:
        catalogue.add_product(
            db,
            ProductData(
                "Double",
                ingredients=(IngredientAmount("Lidocaine", 1), IngredientAmount("Lignocaine", 2)),
            ),
        )
    assert caught.value.field == "Ingredients"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (ProductData(""), "Product name"),
        (
            ProductData(
                "A", ingredients=(IngredientAmount("caffeine"), IngredientAmount("Caffeine"))
            ),
            "Ingredients",
        ),
        (
            ProductData("A", ingredients=(IngredientAmount("caffeine", 0),)),
            "Concentration of caffeine",
        ),
        (
            ProductData(
                "A", ingredients=(IngredientAmount("caffeine", 120, ConcentrationUnit.PERCENT),)
            ),
            "Concentration of caffeine",
        ),
        (
            ProductData("A", ingredients=(IngredientAmount("caffeine", 1, "g/L"),)),  # type: ignore[arg-type]
            "Unit of caffeine",
        ),
        (ProductData("A", max_ml_per_point=0), "Maximum per point"),
        (ProductData("A", max_ml_per_sitting=float("nan")), "Maximum per sitting"),
        (ProductData("A", min_days_between=-1), "Minimum days between sessions"),
        (ProductData("A", min_days_between=2.5), "Minimum days between sessions"),  # type: ignore[arg-type]
    ],
)
def test_a_product_is_validated(db: Database, data: ProductData, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        catalogue.add_product(db, data)
    assert caught.value.field == field
    assert count_rows(db, "product") == {"product": 0}


def test_a_product_update_replaces_its_ingredients_and_is_audited(db: Database) -> None:
    pid = catalogue.add_product(db, LIPO_MIX)
    catalogue.update_product(
        db,
        pid,
        ProductData(
            "Lipo-mix",
            ingredients=(IngredientAmount("Phosphatidylcholine", 25), IngredientAmount("caffeine")),
        ),
        reason="New formula from the lab",
    )
    view = product(db, pid)
    assert [(i.ingredient, i.concentration) for i in view.ingredients] == [
        ("Phosphatidylcholine", 25),
        ("Caffeine", None),
    ]
    assert view.max_ml_per_point is None
    changes = audit.record_history(db, "product", pid)
    assert changes[-1].reason == "New formula from the lab"
    assert changes[-1].before is not None and changes[-1].before["max_ml_per_point"] == 0.2


def test_an_inactive_product_leaves_the_list(db: Database) -> None:
    pid = catalogue.add_product(db, LIPO_MIX)
    catalogue.set_product_active(db, pid, False)
    assert pid not in {p.id for p in catalogue.products(db)}
    assert not product(db, pid).active


# --- lots ----------------------------------------------------------------------------


def test_scenario_1_each_lot_says_at_once_whether_it_can_be_used(db: Database) -> None:
    caffeine = catalogue.add_product(
        db, ProductData("Cafeína 1%", ingredients=(IngredientAmount("caffeine", 10),))
    )
    carnitine = catalogue.add_product(
        db, ProductData("L-carnitine 20%", ingredients=(IngredientAmount("L-carnitine", 200),))
    )
    silicium = catalogue.add_product(
        db,
        ProductData(
            "Silicium organique 0.5%", ingredients=(IngredientAmount("silicium organique"),)
        ),
    )
    caf = catalogue.add_lot(db, caffeine, LotData("CAF-24-117", dt.date(2027, 3, 31)), SHELF_DAY)
    lc = catalogue.add_lot(db, carnitine, LotData("LC-2409-A", dt.date(2026, 12, 15)), SHELF_DAY)
    so = catalogue.add_lot(db, silicium, LotData("SO-5521", dt.date(2025, 10, 1)), SHELF_DAY)
    assert (caf.expired, caf.expiring_soon) == (False, False)
    assert (lc.expired, lc.expiring_soon) == (False, False)
    assert "added" in caf.message
    assert so.expired and not so.expiring_soon
    assert "SO-5521" in so.message and "expired" in so.message and "2025-10-01" in so.message
    assert "cannot be used" in so.message
    # The expired lot is kept for traceability but never offered for a session.
    assert so.id in {lot.id for lot in catalogue.lots(db)}
    usable = catalogue.lots(db, usable_on=SHELF_DAY)
    assert [lot.lot_number for lot in usable] == ["LC-2409-A", "CAF-24-117"]
    assert [i.ingredient for i in product(db, silicium).ingredients] == ["Organic silicon"]


def test_a_lot_expiring_within_30_days_is_flagged_when_added(clinic: Clinic) -> None:
    added = catalogue.add_lot(
        clinic.db, clinic.caffeine, LotData("CAF-25-001", dt.date(2026, 9, 20)), SHELF_DAY
    )
    assert added.expiring_soon and not added.expired
    assert "19 days" in added.message
    today = catalogue.add_lot(
        clinic.db, clinic.caffeine, LotData("CAF-25-002", SHELF_DAY), SHELF_DAY
    )
    assert today.expiring_soon and not today.expired


def test_a_lot_number_is_recorded_once_per_product(clinic: Clinic) -> None:
    for number in ("CAF-24-117", " CAF-24-117 "):
        with pytest.raises(ValidationError) as caught:
            catalogue.add_lot(
                clinic.db, clinic.caffeine, LotData(number, dt.date(2027, 1, 1)), SHELF_DAY
            )
        assert caught.value.field == "Lot number"
    assert count_rows(clinic.db, "lot") == {"lot": 3}


def test_a_lot_number_differing_only_in_case_is_the_same_lot(clinic: Clinic) -> None:
    # find_lots and recall_lot match lot numbers without regard to case, so a second
    # "caf-24-117" of the same product would merge two lots in a recall.
    with pytest.raises(ValidationError) as caught:
        catalogue.add_lot(
            clinic.db, clinic.caffeine, LotData("caf-24-117", dt.date(2027, 1, 1)), SHELF_DAY
        )
    assert caught.value.field == "Lot number"
    assert [lot.id for lot in catalogue.find_lots(clinic.db, "CAF-24-117")] == [clinic.caf_lot]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (LotData("", dt.date(2027, 1, 1)), "Lot number"),
        (LotData("X1", None), "Expiry date"),  # type: ignore[arg-type]
        (LotData("X1", dt.date(2027, 1, 1), SHELF_DAY + dt.timedelta(days=1)), "Received on"),
    ],
)
def test_a_lot_is_validated(clinic: Clinic, data: LotData, field: str) -> None:
    before = count_rows(clinic.db, "lot")
    with pytest.raises(ValidationError) as caught:
        catalogue.add_lot(clinic.db, clinic.caffeine, data, SHELF_DAY)
    assert caught.value.field == field
    assert count_rows(clinic.db, "lot") == before


def test_the_same_lot_number_on_two_products_is_found_on_both(clinic: Clinic) -> None:
    twin = catalogue.add_lot(
        clinic.db, clinic.silicium, LotData("caf-24-117", dt.date(2027, 2, 1)), SHELF_DAY
    )
    found = catalogue.find_lots(clinic.db, " Caf-24-117 ")
    assert {lot.id for lot in found} == {clinic.caf_lot, twin.id}
    assert catalogue.find_lots(clinic.db, "CAF-24") == []


def test_lots_usable_on_a_day_exclude_the_expired(clinic: Clinic) -> None:
    expiry = dt.date(2026, 12, 15)
    on_the_day = catalogue.lots(clinic.db, usable_on=expiry)
    assert clinic.lc_lot in {lot.id for lot in on_the_day}
    after = catalogue.lots(clinic.db, usable_on=expiry + dt.timedelta(days=1))
    assert [lot.id for lot in after] == [clinic.caf_lot]
    assert all(not lot.expired_on(expiry) for lot in on_the_day)
    # Soonest expiry first.
    assert [lot.expiry_date for lot in on_the_day] == sorted(lot.expiry_date for lot in on_the_day)


def test_lots_expiring_soon_for_the_today_view(clinic: Clinic) -> None:
    today = dt.date.today()
    soon = catalogue.add_lot(
        clinic.db, clinic.caffeine, LotData("SOON", today + dt.timedelta(days=10)), today
    ).id
    edge = catalogue.add_lot(
        clinic.db, clinic.caffeine, LotData("EDGE", today + dt.timedelta(days=30)), today
    ).id
    later = catalogue.add_lot(
        clinic.db, clinic.caffeine, LotData("LATER", today + dt.timedelta(days=31)), today
    ).id
    gone = catalogue.add_lot(
        clinic.db, clinic.caffeine, LotData("GONE", today - dt.timedelta(days=1)), today
    ).id
    listed = {lot.id for lot in catalogue.lots(clinic.db, expiring_within=30)}
    assert {soon, edge, gone} <= listed
    assert later not in listed
    usable_soon = {lot.id for lot in catalogue.lots(clinic.db, usable_on=today, expiring_within=30)}
    assert {soon, edge} <= usable_soon
    assert gone not in usable_soon and later not in usable_soon


def test_lots_can_be_searched_by_product_or_number(clinic: Clinic) -> None:
    assert [lot.id for lot in catalogue.lots(clinic.db, search="carnitine")] == [clinic.lc_lot]
    assert [lot.id for lot in catalogue.lots(clinic.db, search="so-55")] == [clinic.so_lot]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1%", ["CAF-24-117"]),  # "Cafeína 1%", not every lot with a 1 in it
        ("0.5%", ["SO-5521"]),
        ("%", ["SO-5521", "LC-2409-A", "CAF-24-117"]),  # every product name has a %
        ("_", []),
        ("LC_2409", []),
    ],
)
def test_like_wildcards_in_a_lot_search_are_literal(
    clinic: Clinic, typed: str, expected: list[str]
) -> None:
    assert [lot.lot_number for lot in catalogue.lots(clinic.db, search=typed)] == expected


def test_a_lot_view_tells_its_days_left(clinic: Clinic) -> None:
    [lc] = catalogue.find_lots(clinic.db, "LC-2409-A")
    assert lc.product_name == "L-carnitine 20%"
    assert lc.days_left(dt.date(2026, 12, 1)) == 14
    assert not lc.expired_on(dt.date(2026, 12, 15))
    assert lc.expired_on(dt.date(2026, 12, 16))
    assert "LC-2409-A" in lc.label and "2026-12-15" in lc.label


def test_the_clinic_builder_makes_the_shelf_of_scenario_1(db: Database) -> None:
    clinic = build_clinic(db)
    names = {p.name: p for p in catalogue.products(db)}
    assert set(names) == {"Cafeína 1%", "L-carnitine 20%", "Silicium organique 0.5%"}
    assert [lot.id for lot in names["Cafeína 1%"].lots] == [clinic.caf_lot]
    # Tests that cannot reach the fixture (parametrize lists) count on this order.
    assert (clinic.caf_lot, clinic.lc_lot, clinic.so_lot) == (1, 2, 3)


# --- vocabularies --------------------------------------------------------------------


def test_the_shipped_vocabularies_are_loaded(db: Database) -> None:
    assert {"cellulite", "localized_fat", "skin_rejuvenation", "hair_loss", "other"} <= {
        i.code for i in catalogue.indications(db)
    }
    regions = {r.code: r for r in catalogue.regions(db)}
    assert regions["thigh_outer"].sided and not regions["perioral"].sided
    techniques = {t.code: t for t in catalogue.techniques(db)}
    assert (techniques["nappage"].depth_min_mm, techniques["nappage"].depth_max_mm) == (2, 4)
    assert (techniques["papule"].depth_min_mm, techniques["papule"].depth_max_mm) == (1, 2)
    assert (
        techniques["point_by_point"].depth_min_mm,
        techniques["point_by_point"].depth_max_mm,
    ) == (4, 12)
    types = {t.code for t in catalogue.side_effect_types(db)}
    overview = {
        "nausea", "injection_site_pain", "increased_sensitivity", "swelling", "itching",
        "redness", "bruising", "bumps", "hyperpigmentation", "rash", "infection", "scarring",
    }  # fmt: skip
    assert overview | {"haematoma", "nodules", "urticaria", "necrosis_ulcer"} <= types
    version, title, sections = catalogue.aftercare_sheet(db)
    assert version and title and sections


def test_metrics_format_their_values_and_bands(db: Database) -> None:
    infos = {m.code: m for m in catalogue.metrics(db)}
    css = infos["css_total"]
    assert css.computed and infos["bmi"].computed and not infos["weight"].computed
    assert [css.band(v) for v in (0, 1, 5, 6, 9, 10, 11, 15)] == [
        None, "mild", "mild", "moderate", "moderate", "moderate", "severe", "severe",
    ]  # fmt: skip
    assert infos["nurnberger_muller"].format(2) == "Grade II"
    assert infos["circumference"].format(58.5) == "58.5 cm"
    assert infos["weight"].unit == "kg" and infos["height"].unit == "cm"
    first = catalogue.metrics(db, "hair_loss")[0]
    assert "hair_loss" in first.indications
