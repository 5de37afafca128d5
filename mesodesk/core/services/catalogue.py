"""The practitioner's catalogue: products and their ingredients, lots, vocabularies."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from mesodesk.core.db import Database
from mesodesk.core.enums import Better, ConcentrationUnit, Scale
from mesodesk.core.errors import ValidationError
from mesodesk.core.models import (
    AftercareSheet,
    Indication,
    Ingredient,
    Lot,
    Metric,
    Product,
    ProductIngredient,
    Region,
    SideEffectType,
    Technique,
)
from mesodesk.core.rules.evaluate import EXPIRY_WARNING_DAYS
from mesodesk.core.services import _validate as v
from mesodesk.core.text import fold


@dataclass(frozen=True, slots=True)
class IngredientAmount:
    """An ingredient of a product, named as in the catalogue (any alias works)."""

    ingredient: str
    concentration: float | None = None
    unit: ConcentrationUnit = ConcentrationUnit.MG_PER_ML


@dataclass(frozen=True, slots=True)
class ProductData:
    name: str
    manufacturer: str = ""
    form: str = "solution"
    ingredients: tuple[IngredientAmount, ...] = ()
    max_ml_per_point: float | None = None
    max_ml_per_sitting: float | None = None
    min_days_between: int | None = None
    notes: str = ""


@dataclass(frozen=True, slots=True)
class LotData:
    lot_number: str
    expiry_date: dt.date
    received_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class LotView:
    id: int
    product_id: int
    product_name: str
    lot_number: str
    expiry_date: dt.date
    received_on: dt.date | None

    def days_left(self, on: dt.date) -> int:
        return (self.expiry_date - on).days

    def expired_on(self, on: dt.date) -> bool:
        return self.expiry_date < on

    @property
    def label(self) -> str:
        return f"{self.product_name} · lot {self.lot_number} · exp. {self.expiry_date.isoformat()}"


@dataclass(frozen=True, slots=True)
class LotAdded:
    """A new lot, and whether it is already unusable or close to it."""

    id: int
    expired: bool
    expiring_soon: bool
    message: str


@dataclass(frozen=True, slots=True)
class ProductView:
    id: int
    name: str
    manufacturer: str
    form: str
    ingredients: tuple[IngredientAmount, ...]
    max_ml_per_point: float | None
    max_ml_per_sitting: float | None
    min_days_between: int | None
    notes: str
    active: bool
    lots: tuple[LotView, ...]


@dataclass(frozen=True, slots=True)
class MetricInfo:
    code: str
    name: str
    short_name: str
    unit: str
    ucum: str
    loinc: str | None
    min_value: float
    max_value: float
    better: Better
    scale: Scale
    decimals: int
    labels: dict[int, str]
    bands: tuple[tuple[float, float, str], ...]
    indications: tuple[str, ...]
    sited: bool
    group: str | None
    computed: bool

    def format(self, value: float) -> str:
        """The value as the practitioner reads it, with its unit or category."""
        if self.scale == Scale.ORDINAL and int(value) in self.labels:
            return self.labels[int(value)]
        shown = f"{value:.{self.decimals}f}"
        return f"{shown} {self.unit}".strip()

    def band(self, value: float) -> str | None:
        for low, high, name in self.bands:
            if low <= value <= high:
                return name
        return None


@dataclass(frozen=True, slots=True)
class CodeName:
    """An entry of a small vocabulary: region, technique, indication, side-effect type."""

    code: str
    name: str
    group: str = ""
    sided: bool = False
    depth_min_mm: float | None = None
    depth_max_mm: float | None = None


def resolve_ingredient(session: Session, name: str) -> Ingredient:
    """The catalogue ingredient called ``name`` or one of its aliases."""
    key = fold(name)
    ingredient = session.scalar(select(Ingredient).where(Ingredient.name_key == key))
    if ingredient is not None:
        return ingredient
    for candidate in session.scalars(select(Ingredient).where(Ingredient.aliases != "")):
        if key in candidate.aliases.split(","):
            return candidate
    raise ValidationError("Ingredient", f"{name!r} is not in the catalogue; add it first")


def add_ingredient(
    db: Database, name: str, aliases: tuple[str, ...] = (), category: str = ""
) -> int:
    """Add an ingredient to the catalogue (for products the starter list lacks)."""
    name = v.text("Ingredient name", name, required=True, max_length=120)
    with db.write() as session:
        if session.scalar(select(Ingredient.id).where(Ingredient.name_key == fold(name))):
            raise ValidationError("Ingredient name", f"{name} is already in the catalogue")
        ingredient = Ingredient(
            name=name,
            name_key=fold(name),
            aliases=",".join(fold(a) for a in aliases if a.strip()),
            category=v.text("Category", category, max_length=80),
        )
        session.add(ingredient)
        session.flush()
        return ingredient.id


def _clean_product(data: ProductData) -> ProductData:
    names = [fold(i.ingredient) for i in data.ingredients]
    if len(set(names)) != len(names):
        raise ValidationError("Ingredients", "an ingredient is listed twice")
    for amount in data.ingredients:
        v.number(
            f"Concentration of {amount.ingredient}",
            amount.concentration,
            minimum=0,
            exclusive_minimum=True,
            required=False,
        )
        v.choice(f"Unit of {amount.ingredient}", amount.unit, ConcentrationUnit)
        if amount.unit == ConcentrationUnit.PERCENT and (amount.concentration or 0) > 100:
            raise ValidationError(f"Concentration of {amount.ingredient}", "cannot exceed 100 %")
    return ProductData(
        name=v.text("Product name", data.name, required=True, max_length=120),
        manufacturer=v.text("Manufacturer", data.manufacturer, max_length=120),
        form=v.text("Form", data.form, max_length=60) or "solution",
        ingredients=data.ingredients,
        max_ml_per_point=v.number(
            "Maximum per point",
            data.max_ml_per_point,
            minimum=0,
            exclusive_minimum=True,
            maximum=10,
            required=False,
            unit="mL",
        ),
        max_ml_per_sitting=v.number(
            "Maximum per sitting",
            data.max_ml_per_sitting,
            minimum=0,
            exclusive_minimum=True,
            maximum=100,
            required=False,
            unit="mL",
        ),
        min_days_between=v.integer(
            "Minimum days between sessions",
            data.min_days_between,
            minimum=0,
            maximum=365,
            required=False,
        ),
        notes=v.text("Notes", data.notes, max_length=2000),
    )


def _apply_product(session: Session, product: Product, data: ProductData) -> None:
    product.name = data.name
    product.manufacturer = data.manufacturer
    product.form = data.form
    product.max_ml_per_point = data.max_ml_per_point
    product.max_ml_per_sitting = data.max_ml_per_sitting
    product.min_days_between = data.min_days_between
    product.notes = data.notes
    wanted: dict[int, IngredientAmount] = {}
    for amount in data.ingredients:
        ingredient = resolve_ingredient(session, amount.ingredient)
        if ingredient.id in wanted:
            raise ValidationError(
                "Ingredients", f"{ingredient.name} is listed twice ({amount.ingredient})"
            )
        wanted[ingredient.id] = amount
    for line in list(product.ingredients):
        if line.ingredient_id not in wanted:
            product.ingredients.remove(line)
    present = {line.ingredient_id: line for line in product.ingredients}
    for ingredient_id, amount in wanted.items():
        line = present.get(ingredient_id) or ProductIngredient(ingredient_id=ingredient_id)
        line.concentration = amount.concentration
        line.unit = ConcentrationUnit(amount.unit).value
        if ingredient_id not in present:
            product.ingredients.append(line)


def _check_product_name(session: Session, name: str, product_id: int | None) -> None:
    clash = session.scalar(select(Product.id).where(func.casefold(Product.name) == name.casefold()))
    if clash is not None and clash != product_id:
        raise ValidationError("Product name", f"{name} is already in the catalogue")


def add_product(db: Database, data: ProductData) -> int:
    """Add a product with its ingredients; return its id."""
    data = _clean_product(data)
    with db.write() as session:
        _check_product_name(session, data.name, None)
        product = Product()
        session.add(product)
        _apply_product(session, product, data)
        session.flush()
        return product.id


def update_product(db: Database, product_id: int, data: ProductData, reason: str = "") -> None:
    data = _clean_product(data)
    with db.write(reason=reason) as session:
        product = v.get(session, Product, product_id, "Product")
        _check_product_name(session, data.name, product_id)
        _apply_product(session, product, data)


def set_product_active(db: Database, product_id: int, active: bool) -> None:
    with db.write() as session:
        v.get(session, Product, product_id, "Product").active = active


def add_lot(db: Database, product_id: int, data: LotData, today: dt.date | None = None) -> LotAdded:
    """Add a lot from a box on the shelf; say at once if it is expired or expiring."""
    today = today or dt.date.today()
    number = v.text("Lot number", data.lot_number, required=True, max_length=60)
    expiry = v.date("Expiry date", data.expiry_date)
    received = v.date("Received on", data.received_on, required=False, not_after=today)
    assert expiry is not None
    with db.write() as session:
        product = v.get(session, Product, product_id, "Product")
        if session.scalar(
            select(Lot.id).where(
                Lot.product_id == product_id, func.casefold(Lot.lot_number) == number.casefold()
            )
        ):
            raise ValidationError("Lot number", f"{number} of {product.name} is already recorded")
        lot = Lot(
            product_id=product_id, lot_number=number, expiry_date=expiry, received_on=received
        )
        session.add(lot)
        session.flush()
        lot_id = lot.id
    days = (expiry - today).days
    if days < 0:
        message = (
            f"Lot {number} of {product.name} expired on {expiry.isoformat()}: "
            "it is recorded for traceability but cannot be used in a session."
        )
    elif days <= EXPIRY_WARNING_DAYS:
        message = f"Lot {number} of {product.name} expires in {days} days ({expiry.isoformat()})."
    else:
        message = f"Lot {number} of {product.name} added."
    return LotAdded(lot_id, days < 0, 0 <= days <= EXPIRY_WARNING_DAYS, message)


def lot_view(lot: Lot) -> LotView:
    return LotView(
        lot.id, lot.product_id, lot.product.name, lot.lot_number, lot.expiry_date, lot.received_on
    )


def lots(
    db: Database,
    *,
    usable_on: dt.date | None = None,
    search: str = "",
    expiring_within: int | None = None,
) -> list[LotView]:
    """Lots, soonest expiry first.

    ``usable_on`` keeps lots not expired that day (the session editor's lot picker);
    ``search`` matches the product name or lot number; ``expiring_within`` (days, with
    ``usable_on`` as the day) keeps lots that expire within that many days, and with
    ``usable_on`` unset also lots already expired (the Today view).
    """
    statement = select(Lot).join(Product).options(selectinload(Lot.product))
    if usable_on is not None and expiring_within is None:
        statement = statement.where(Lot.expiry_date >= usable_on)
    if expiring_within is not None:
        day = usable_on or dt.date.today()
        statement = statement.where(Lot.expiry_date <= day + dt.timedelta(days=expiring_within))
        if usable_on is not None:
            statement = statement.where(Lot.expiry_date >= usable_on)
    if search.strip():
        escaped = search.strip().casefold().replace("\\", "\\\\")
        escaped = escaped.replace("%", "\\%").replace("_", "\\_")
        term = f"%{escaped}%"
        statement = statement.where(
            func.casefold(Product.name).like(term, escape="\\")
            | func.casefold(Lot.lot_number).like(term, escape="\\")
        )
    statement = statement.order_by(Lot.expiry_date, Product.name, Lot.lot_number)
    with db.read() as session:
        return [lot_view(lot) for lot in session.scalars(statement)]


def find_lots(db: Database, lot_number: str) -> list[LotView]:
    """Lots with exactly this number (case ignored), across products."""
    with db.read() as session:
        rows = session.scalars(
            select(Lot)
            .options(selectinload(Lot.product))
            .where(func.casefold(Lot.lot_number) == lot_number.strip().casefold())
        )
        return [lot_view(lot) for lot in rows]


def products(db: Database, *, include_inactive: bool = False) -> list[ProductView]:
    statement = (
        select(Product)
        .options(
            selectinload(Product.ingredients).selectinload(ProductIngredient.ingredient),
            selectinload(Product.lots),
        )
        .order_by(Product.name)
    )
    if not include_inactive:
        statement = statement.where(Product.active.is_(True))
    with db.read() as session:
        return [
            ProductView(
                id=p.id,
                name=p.name,
                manufacturer=p.manufacturer,
                form=p.form,
                ingredients=tuple(
                    IngredientAmount(i.ingredient.name, i.concentration, ConcentrationUnit(i.unit))
                    for i in p.ingredients
                ),
                max_ml_per_point=p.max_ml_per_point,
                max_ml_per_sitting=p.max_ml_per_sitting,
                min_days_between=p.min_days_between,
                notes=p.notes,
                active=p.active,
                lots=tuple(
                    LotView(lot.id, p.id, p.name, lot.lot_number, lot.expiry_date, lot.received_on)
                    for lot in p.lots
                ),
            )
            for p in session.scalars(statement)
        ]


def metric_info(metric: Metric) -> MetricInfo:
    labels = json.loads(metric.labels_json) if metric.labels_json else {}
    bands = json.loads(metric.bands_json) if metric.bands_json else []
    return MetricInfo(
        code=metric.code,
        name=metric.name,
        short_name=metric.short_name or metric.name,
        unit=metric.unit,
        ucum=metric.ucum,
        loinc=metric.loinc,
        min_value=metric.min_value,
        max_value=metric.max_value,
        better=Better(metric.better),
        scale=Scale(metric.scale),
        decimals=metric.decimals,
        labels={int(k): str(val) for k, val in labels.items()},
        bands=tuple((float(b["min"]), float(b["max"]), str(b["name"])) for b in bands),
        indications=tuple(i for i in metric.indications.split(",") if i),
        sited=metric.sited,
        group=metric.group,
        computed=metric.computed,
    )


def metrics(db: Database, indication: str | None = None) -> list[MetricInfo]:
    """Every metric; with ``indication``, the ones that matter for it come first."""
    with db.read() as session:
        infos = [metric_info(m) for m in session.scalars(select(Metric).order_by(Metric.name))]
    if indication:
        infos.sort(key=lambda m: indication not in m.indications)
    return infos


def regions(db: Database) -> list[CodeName]:
    with db.read() as session:
        rows = session.scalars(select(Region).order_by(Region.group, Region.name))
        return [CodeName(r.code, r.name, r.group, r.sided) for r in rows]


def techniques(db: Database) -> list[CodeName]:
    with db.read() as session:
        rows = session.scalars(select(Technique).order_by(Technique.name))
        return [
            CodeName(t.code, t.name, depth_min_mm=t.depth_min_mm, depth_max_mm=t.depth_max_mm)
            for t in rows
        ]


def indications(db: Database) -> list[CodeName]:
    with db.read() as session:
        return [CodeName(i.code, i.name) for i in session.scalars(select(Indication))]


def ingredients(db: Database) -> list[CodeName]:
    """Catalogue ingredients by name; ``code`` is the ingredient's id as text."""
    with db.read() as session:
        rows = session.scalars(select(Ingredient).order_by(Ingredient.name))
        return [CodeName(str(i.id), i.name, i.category) for i in rows]


def side_effect_types(db: Database) -> list[CodeName]:
    with db.read() as session:
        rows = session.scalars(select(SideEffectType).order_by(SideEffectType.name))
        return [CodeName(t.code, t.name, t.source) for t in rows]


def aftercare_sheet(
    db: Database, code: str = "standard"
) -> tuple[str, str, list[dict[str, object]]]:
    """The newest version of an aftercare sheet: (version, title, sections)."""
    with db.read() as session:
        sheet = session.scalars(
            select(AftercareSheet)
            .where(AftercareSheet.code == code)
            .order_by(AftercareSheet.id.desc())
        ).first()
        if sheet is None:
            raise ValidationError("Aftercare sheet", f"{code!r} is not in the catalogue")
        return sheet.version, sheet.title, json.loads(sheet.body_json)
