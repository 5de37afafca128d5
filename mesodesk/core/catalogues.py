"""Loading the shipped catalogues (``resources/catalogues``) into a database.

New entries are added; entries already in the database are never changed, so what the
practitioner edited or added survives an update of mesodesk.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mesodesk.core.db.database import Database
from mesodesk.core.models import (
    AftercareSheet,
    Indication,
    Ingredient,
    Metric,
    NeedleGauge,
    NeedleLength,
    Region,
    Setting,
    SideEffectType,
    Technique,
)
from mesodesk.core.resources import load_json, resource_path
from mesodesk.core.text import fold

FINGERPRINT_KEY = "catalogue_fingerprint"
CATALOGUE_FILES = (
    "indications.json",
    "regions.json",
    "techniques.json",
    "needles.json",
    "side_effect_types.json",
    "metrics.json",
    "ingredients.json",
)
AFTERCARE_FILES = ("standard.json",)


def fingerprint() -> str:
    """A hash of the shipped catalogue files; unchanged files need no sync."""
    digest = hashlib.sha256()
    paths = [resource_path("catalogues", name) for name in CATALOGUE_FILES]
    paths += [resource_path("aftercare", name) for name in AFTERCARE_FILES]
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _add_missing(
    session: Session,
    model: type[Any],
    key: Callable[[Any], Any],
    items: Iterable[dict[str, Any]],
    build: Callable[[dict[str, Any]], Any],
) -> None:
    existing = {key(row) for row in session.scalars(select(model))}
    for item in items:
        row = build(item)
        if key(row) not in existing:
            session.add(row)
            existing.add(key(row))


def _items(name: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = load_json("catalogues", name)["items"]
    return items


def _metric(item: dict[str, Any]) -> Metric:
    return Metric(
        code=item["code"],
        name=item["name"],
        short_name=item.get("short_name") or item["name"],
        unit=item.get("unit") or "",
        ucum=item.get("ucum") or "1",
        loinc=item.get("loinc"),
        min_value=float(item["min"]),
        max_value=float(item["max"]),
        better=item["better"],
        scale=item["scale"],
        decimals=int(item.get("decimals", 1)),
        labels_json=json.dumps(item["labels"], ensure_ascii=False) if item.get("labels") else None,
        bands_json=json.dumps(item["bands"], ensure_ascii=False) if item.get("bands") else None,
        indications=",".join(item.get("indications") or []),
        sited=bool(item.get("sited", False)),
        group=item.get("group"),
        computed=item["code"] in ("bmi", "css_total"),
        builtin=True,
    )


def _ingredient(item: dict[str, Any]) -> Ingredient:
    aliases = [fold(alias) for alias in item.get("aliases") or []]
    return Ingredient(
        name=item["name"],
        name_key=fold(item["name"]),
        aliases=",".join(alias for alias in aliases if alias),
        category=item.get("category") or "",
        builtin=True,
    )


def _sync(session: Session) -> None:
    _add_missing(
        session,
        Indication,
        lambda r: r.code,
        _items("indications.json"),
        lambda i: Indication(
            code=i["code"], name=i["name"], description=i.get("description", ""), builtin=True
        ),
    )
    _add_missing(
        session,
        Region,
        lambda r: r.code,
        _items("regions.json"),
        lambda i: Region(
            code=i["code"],
            name=i["name"],
            group=i["group"],
            sided=bool(i["sided"]),
            diagram=i.get("diagram", "body_front"),
            indications=",".join(i.get("indications") or []),
            builtin=True,
        ),
    )
    _add_missing(
        session,
        Technique,
        lambda r: r.code,
        _items("techniques.json"),
        lambda i: Technique(
            code=i["code"],
            name=i["name"],
            depth_min_mm=float(i["depth_min_mm"]),
            depth_max_mm=float(i["depth_max_mm"]),
            description=i.get("description", ""),
            builtin=True,
        ),
    )
    needles = load_json("catalogues", "needles.json")
    _add_missing(
        session,
        NeedleGauge,
        lambda r: r.gauge,
        ({"gauge": g} for g in needles["gauges"]),
        lambda i: NeedleGauge(gauge=int(i["gauge"])),
    )
    _add_missing(
        session,
        NeedleLength,
        lambda r: float(r.length_mm),
        ({"length": length} for length in needles["lengths_mm"]),
        lambda i: NeedleLength(length_mm=float(i["length"])),
    )
    _add_missing(
        session,
        SideEffectType,
        lambda r: r.code,
        _items("side_effect_types.json"),
        lambda i: SideEffectType(
            code=i["code"], name=i["name"], source=i.get("source", "design"), builtin=True
        ),
    )
    _add_missing(session, Metric, lambda r: r.code, _items("metrics.json"), _metric)
    _add_missing(session, Ingredient, lambda r: r.name_key, _items("ingredients.json"), _ingredient)
    for name in AFTERCARE_FILES:
        sheet = load_json("aftercare", name)
        _add_missing(
            session,
            AftercareSheet,
            lambda r: (r.code, r.version),
            [sheet],
            lambda s: AftercareSheet(
                code=s["code"],
                version=str(s["template_version"]),
                title=s["title"],
                body_json=json.dumps(s["sections"], ensure_ascii=False),
            ),
        )


def sync_catalogues(db: Database) -> bool:
    """Add the shipped catalogue entries a database lacks; return whether anything was read."""
    current = fingerprint()
    with db.read() as session:
        stored = session.get(Setting, FINGERPRINT_KEY)
        if stored is not None and stored.value == current:
            return False
    actor = db.actor
    db.actor = "mesodesk"
    try:
        with db.write(reason="catalogues shipped with mesodesk") as session:
            _sync(session)
            setting = session.get(Setting, FINGERPRINT_KEY)
            if setting is None:
                session.add(Setting(key=FINGERPRINT_KEY, value=current))
            else:
                setting.value = current
    finally:
        db.actor = actor
    return True
