"""Protocol templates: saved by product, started with the lots usable that day."""

from __future__ import annotations

import datetime as dt

import pytest

from mesodesk.core.enums import Device, Side
from mesodesk.core.errors import ValidationError
from mesodesk.core.services import catalogue, templates
from tests.core.conftest import Helene


def test_a_template_keeps_products_and_areas_and_picks_lots_anew(helene: Helene) -> None:
    data, clinic = helene.session(), helene.clinic
    template = templates.save_template(
        helene.db,
        "Thighs caf + carnitine",
        data.cocktail,
        data.areas,
        indication_code="cellulite",
        device=Device.GUN,
    )
    fresh = catalogue.add_lot(
        helene.db,
        clinic.carnitine,
        catalogue.LotData("LC-2611-B", dt.date(2027, 6, 30)),
        today=dt.date(2026, 11, 25),
    ).id
    start = templates.start_from(helene.db, template, dt.date(2026, 12, 16))
    assert [line.lot_id for line in start.cocktail] == [clinic.caf_lot, fresh]
    assert [(a.region_code, a.side) for a in start.areas][:2] == [
        ("thigh_outer", Side.LEFT),
        ("thigh_outer", Side.RIGHT),
    ]
    assert start.device == Device.GUN and start.missing == ()
    [view] = templates.list_templates(helene.db, "cellulite")
    assert view.name == "Thighs caf + carnitine"


def test_a_product_without_a_usable_lot_is_named(helene: Helene) -> None:
    data = helene.session()
    template = templates.save_template(helene.db, "T", data.cocktail, data.areas)
    start = templates.start_from(helene.db, template, dt.date(2026, 12, 16))
    assert start.missing == ("L-carnitine 20%",)
    assert len(start.cocktail) == 1


def test_names_are_unique_and_required(helene: Helene) -> None:
    data = helene.session()
    templates.save_template(helene.db, "Thighs", data.cocktail, data.areas)
    with pytest.raises(ValidationError, match="already a template"):
        templates.save_template(helene.db, "THIGHS", data.cocktail, data.areas)
    with pytest.raises(ValidationError, match="Template name"):
        templates.save_template(helene.db, " ", data.cocktail, data.areas)
    template = templates.list_templates(helene.db)[0].id
    templates.delete_template(helene.db, template)
    assert templates.list_templates(helene.db) == []
