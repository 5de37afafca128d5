"""Protocol templates: a cocktail (by product) and areas to start a session from."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import func, select

from mesodesk.core.db import Database
from mesodesk.core.enums import Anaesthesia, Device, Side
from mesodesk.core.errors import ValidationError
from mesodesk.core.models import Indication, Lot, Product, ProtocolTemplate
from mesodesk.core.services import _validate as v
from mesodesk.core.services.sessions import AreaData, CocktailLineData


@dataclass(frozen=True, slots=True)
class TemplateLine:
    product_id: int
    volume_ml: float
    dilution: str = ""


@dataclass(frozen=True, slots=True)
class TemplateView:
    id: int
    name: str
    indication_code: str | None
    device: Device
    anaesthesia: Anaesthesia
    lines: tuple[TemplateLine, ...]
    areas: tuple[AreaData, ...]


@dataclass(frozen=True, slots=True)
class TemplateStart:
    """A template turned into a session's cocktail: each product's lot usable that day."""

    cocktail: tuple[CocktailLineData, ...]
    areas: tuple[AreaData, ...]
    device: Device
    anaesthesia: Anaesthesia
    missing: tuple[str, ...]  # products with no usable lot that day


def save_template(
    db: Database,
    name: str,
    cocktail: tuple[CocktailLineData, ...],
    areas: tuple[AreaData, ...],
    *,
    indication_code: str | None = None,
    device: Device = Device.MANUAL_NEEDLE,
    anaesthesia: Anaesthesia = Anaesthesia.NONE,
) -> int:
    """Save a session's protocol under a name; the lots become their products."""
    name = v.text("Template name", name, required=True, max_length=120)
    if not cocktail and not areas:
        raise ValidationError("Template", "has neither a cocktail nor an area")
    with db.write() as session:
        if session.scalar(
            select(ProtocolTemplate.id).where(
                func.casefold(ProtocolTemplate.name) == name.casefold()
            )
        ):
            raise ValidationError("Template name", f"{name} is already a template")
        if indication_code is not None and session.get(Indication, indication_code) is None:
            raise ValidationError("Indication", f"{indication_code!r} is not known")
        lines = []
        for line in cocktail:
            lot = v.get(session, Lot, line.lot_id, "Lot")
            lines.append(
                {
                    "product_id": lot.product_id,
                    "volume_ml": line.volume_ml,
                    "dilution": line.dilution,
                }
            )
        body = {
            "cocktail": lines,
            "areas": [
                {
                    **dataclasses.asdict(area),
                    "side": Side(area.side).value,
                    "map_points": [list(p) for p in area.map_points],
                }
                for area in areas
            ],
        }
        template = ProtocolTemplate(
            name=name,
            indication_code=indication_code,
            device=Device(device).value,
            anaesthesia=Anaesthesia(anaesthesia).value,
            body_json=json.dumps(body, ensure_ascii=False),
        )
        session.add(template)
        session.flush()
        return template.id


def _view(row: ProtocolTemplate) -> TemplateView:
    body = json.loads(row.body_json)
    return TemplateView(
        id=row.id,
        name=row.name,
        indication_code=row.indication_code,
        device=Device(row.device),
        anaesthesia=Anaesthesia(row.anaesthesia),
        lines=tuple(TemplateLine(**line) for line in body["cocktail"]),
        areas=tuple(
            AreaData(
                **{
                    **area,
                    "side": Side(area["side"]),
                    "map_points": tuple(tuple(p) for p in area["map_points"]),
                }
            )
            for area in body["areas"]
        ),
    )


def list_templates(db: Database, indication_code: str | None = None) -> list[TemplateView]:
    """Templates by name; with an indication, its own first, then the general ones."""
    with db.read() as session:
        rows = [
            _view(r)
            for r in session.scalars(select(ProtocolTemplate).order_by(ProtocolTemplate.name))
        ]
    if indication_code:
        rows.sort(key=lambda t: t.indication_code != indication_code)
    return rows


def delete_template(db: Database, template_id: int) -> None:
    """Remove a template (the sessions made from it are not affected)."""
    with db.write(reason="template removed") as session:
        session.delete(v.get(session, ProtocolTemplate, template_id, "Template"))


def start_from(db: Database, template_id: int, on: dt.date) -> TemplateStart:
    """The template's cocktail with, for each product, the usable lot that expires first."""
    with db.read() as session:
        template = _view(v.get(session, ProtocolTemplate, template_id, "Template"))
        cocktail, missing = [], []
        for line in template.lines:
            lot = session.scalars(
                select(Lot)
                .where(Lot.product_id == line.product_id, Lot.expiry_date >= on)
                .order_by(Lot.expiry_date)
                .limit(1)
            ).first()
            if lot is None:
                product = session.get(Product, line.product_id)
                missing.append(product.name if product else f"product {line.product_id}")
                continue
            cocktail.append(CocktailLineData(lot.id, line.volume_ml, line.dilution))
    return TemplateStart(
        tuple(cocktail), template.areas, template.device, template.anaesthesia, tuple(missing)
    )
