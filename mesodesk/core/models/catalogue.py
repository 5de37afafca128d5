"""Catalogue tables: vocabularies shipped in ``resources/`` and extended by the practitioner."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mesodesk.core.models.base import Audited, Base


class Indication(Base, Audited):
    __tablename__ = "indication"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str]
    description: Mapped[str] = mapped_column(default="")
    builtin: Mapped[bool] = mapped_column(default=False)


class Region(Base, Audited):
    """A body region that can be treated; ``sided`` regions are charted left and right."""

    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str]
    group: Mapped[str]
    sided: Mapped[bool]
    diagram: Mapped[str] = mapped_column(default="body_front")
    indications: Mapped[str] = mapped_column(default="", doc="Comma-separated indication codes")
    builtin: Mapped[bool] = mapped_column(default=False)


class Technique(Base, Audited):
    __tablename__ = "technique"
    __table_args__ = (CheckConstraint("depth_min_mm <= depth_max_mm", name="depth_range"),)

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str]
    depth_min_mm: Mapped[float]
    depth_max_mm: Mapped[float]
    description: Mapped[str] = mapped_column(default="")
    builtin: Mapped[bool] = mapped_column(default=False)


class NeedleGauge(Base, Audited):
    __tablename__ = "needle_gauge"

    gauge: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)


class NeedleLength(Base, Audited):
    __tablename__ = "needle_length"

    length_mm: Mapped[float] = mapped_column(primary_key=True)


class SideEffectType(Base, Audited):
    __tablename__ = "side_effect_type"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str]
    source: Mapped[str] = mapped_column(default="practitioner")
    builtin: Mapped[bool] = mapped_column(default=False)


class Metric(Base, Audited):
    """An outcome measure: unit, valid range, which direction is better, how to show it."""

    __tablename__ = "metric"
    __table_args__ = (
        CheckConstraint("min_value <= max_value", name="range"),
        CheckConstraint("better IN ('lower', 'higher', 'none')", name="better"),
        CheckConstraint("scale IN ('continuous', 'ordinal', 'count')", name="scale"),
    )

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str]
    short_name: Mapped[str] = mapped_column(default="")
    unit: Mapped[str] = mapped_column(default="")
    ucum: Mapped[str] = mapped_column(default="1")
    loinc: Mapped[str | None]
    min_value: Mapped[float]
    max_value: Mapped[float]
    better: Mapped[str]
    scale: Mapped[str]
    decimals: Mapped[int] = mapped_column(default=1)
    labels_json: Mapped[str | None] = mapped_column(doc="JSON: ordinal value → category name")
    bands_json: Mapped[str | None] = mapped_column(doc="JSON: list of {min, max, name}")
    indications: Mapped[str] = mapped_column(default="", doc="Comma-separated indication codes")
    sited: Mapped[bool] = mapped_column(default=False)
    group: Mapped[str | None]
    computed: Mapped[bool] = mapped_column(default=False)
    builtin: Mapped[bool] = mapped_column(default=False)


class Ingredient(Base, Audited):
    """A generic active ingredient; allergies are matched against it and its aliases."""

    __tablename__ = "ingredient"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    name_key: Mapped[str] = mapped_column(unique=True, doc="folded name for matching")
    aliases: Mapped[str] = mapped_column(default="", doc="Comma-separated folded aliases")
    category: Mapped[str] = mapped_column(default="")
    builtin: Mapped[bool] = mapped_column(default=False)


class Product(Base, Audited):
    """A preparation on the shelf; optional limits feed the clinical rules."""

    __tablename__ = "product"
    __table_args__ = (
        CheckConstraint("max_ml_per_point IS NULL OR max_ml_per_point > 0", name="max_point"),
        CheckConstraint("max_ml_per_sitting IS NULL OR max_ml_per_sitting > 0", name="max_sitting"),
        CheckConstraint("min_days_between IS NULL OR min_days_between >= 0", name="min_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    manufacturer: Mapped[str] = mapped_column(default="")
    form: Mapped[str] = mapped_column(default="solution")
    max_ml_per_point: Mapped[float | None]
    max_ml_per_sitting: Mapped[float | None]
    min_days_between: Mapped[int | None]
    notes: Mapped[str] = mapped_column(default="")
    active: Mapped[bool] = mapped_column(default=True)

    ingredients: Mapped[list[ProductIngredient]] = relationship(
        back_populates="product", cascade="all, delete-orphan", order_by="ProductIngredient.id"
    )
    lots: Mapped[list[Lot]] = relationship(back_populates="product", order_by="Lot.expiry_date")


class ProductIngredient(Base, Audited):
    __tablename__ = "product_ingredient"
    __table_args__ = (
        UniqueConstraint("product_id", "ingredient_id"),
        CheckConstraint("concentration IS NULL OR concentration > 0", name="concentration"),
        CheckConstraint("unit IN ('mg/mL', '%')", name="unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    ingredient_id: Mapped[int] = mapped_column(ForeignKey("ingredient.id"), index=True)
    concentration: Mapped[float | None]
    unit: Mapped[str] = mapped_column(default="mg/mL")

    product: Mapped[Product] = relationship(back_populates="ingredients")
    ingredient: Mapped[Ingredient] = relationship()


class Lot(Base, Audited):
    __tablename__ = "lot"
    __table_args__ = (UniqueConstraint("product_id", "lot_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    lot_number: Mapped[str] = mapped_column(index=True)
    expiry_date: Mapped[dt.date] = mapped_column(index=True)
    received_on: Mapped[dt.date | None]

    product: Mapped[Product] = relationship(back_populates="lots")


class AftercareSheet(Base, Audited):
    __tablename__ = "aftercare_sheet"
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str]
    version: Mapped[str]
    title: Mapped[str]
    body_json: Mapped[str] = mapped_column(doc="JSON: list of {heading, items}")
