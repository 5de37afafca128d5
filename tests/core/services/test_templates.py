"""Protocol templates: saved by product, started with the lots usable that day."""

from __future__ import annotations

import datetime as dt

import pytest

from mesodesk.core.enums import Device, Side
from mesodesk.core.errors import ValidationError
from mesodesk.core.services import catalogue, templates
from tests.core.services.conftest import Clinic


def test_a_template_keeps_products_and_areas_and_picks_lots_anew(clinic: Clinic) -> None:
    data = clinic.session()
    template = templates.save_template(
        clinic.db,
        "Thighs caf + carnitine",
        data.cocktail,
        data.areas,
        indication_code="cellulite",
        device=Device.GUN,
    )
    fresh = catalogue.add_lot(
        clinic.db,
        clinic.carnitine,
        catalogue.LotData("LC-2611-B", dt.date(2027, 6, 30)),
        today=dt.date(2026, 11, 25),
    ).id
    start = templates.start_from(clinic.db, template, dt.date(2026, 12, 16))
    assert [line.lot_id for line in start.cocktail] == [clinic.caf_lot, fresh]
    assert [(a.region_code, a.side) for a in start.areas] == [
        ("thigh_outer", Side.LEFT),
        ("thigh_outer", Side.RIGHT),
        ("buttock", Side.BOTH),
    ]
    assert start.device == Device.GUN and start.missing == ()
    [view] = templates.list_templates(clinic.db, "cellulite")
    assert view.name == "Thighs caf + carnitine"


def test_a_product_without_a_usable_lot_is_named(clinic: Clinic) -> None:
    data = clinic.session()
    template = templates.save_template(clinic.db, "T", data.cocktail, data.areas)
    start = templates.start_from(clinic.db, template, dt.date(2026, 12, 16))
    assert start.missing == ("L-carnitine 20%",)
    assert len(start.cocktail) == 1


def test_names_are_unique_and_required(clinic: Clinic) -> None:
    data = clinic.session()
    templates.save_template(clinic.db, "Thighs", data.cocktail, data.areas)
    with pytest.raises(ValidationError, match="already a template"):
        templates.save_template(clinic.db, "THIGHS", data.cocktail, data.areas)
    with pytest.raises(ValidationError, match="Template name"):
        templates.save_template(clinic.db, " ", data.cocktail, data.areas)
    template = templates.list_templates(clinic.db)[0].id
    templates.delete_template(clinic.db, template)
    assert templates.list_templates(clinic.db) == []
