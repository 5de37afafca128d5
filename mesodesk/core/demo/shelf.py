"""The demo practice's people and shelf, written through the services (few rows)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from mesodesk.core.db import Database
from mesodesk.core.enums import ConcentrationUnit as Unit
from mesodesk.core.services import catalogue, practice
from mesodesk.core.services.catalogue import IngredientAmount as Amount

PRACTITIONERS = (
    ("Claire Moreau", "Dr", "RPPS 10003456789"),
    ("Antoine Lefèvre", "Dr", "RPPS 10004567891"),
    ("Giulia Rossi", "Dr", "RPPS 10005678912"),
)

# name, manufacturer, ingredients, max mL per point, max mL per sitting, min days, indications
PRODUCTS: tuple[
    tuple[str, str, tuple[Amount, ...], float | None, float | None, int | None, tuple[str, ...]],
    ...,
] = (
    (
        "Cafeína 1%",
        "Mesolab",
        (Amount("Caffeine", 10),),
        0.1,
        20.0,
        None,
        ("cellulite", "localized_fat"),
    ),
    (
        "L-carnitine 20%",
        "Mesolab",
        (Amount("L-carnitine", 200),),
        0.1,
        20.0,
        None,
        ("cellulite", "localized_fat"),
    ),
    (
        "Silicium organique 0.5%",
        "Dermo Pharma",
        (Amount("Organic silicon", 0.5, Unit.PERCENT),),
        0.1,
        20.0,
        None,
        ("cellulite", "skin_rejuvenation"),
    ),
    (
        "Artichoke 5%",
        "Phytomeso",
        (Amount("Artichoke extract", 5, Unit.PERCENT),),
        0.1,
        20.0,
        None,
        ("cellulite",),
    ),
    (
        "Lipolytic PC/DC",
        "Lipo Labs",
        (Amount("Phosphatidylcholine", 50), Amount("Deoxycholic acid", 42)),
        0.3,
        15.0,
        14,
        ("localized_fat",),
    ),
    (
        "Hyaluronic acid 1% NCL",
        "Revita",
        (Amount("Hyaluronic acid (non-crosslinked)", 10),),
        0.05,
        8.0,
        7,
        ("skin_rejuvenation",),
    ),
    (
        "Polyrevitalising complex",
        "Revita",
        (
            Amount("Hyaluronic acid (non-crosslinked)", 5),
            Amount("Vitamin C", 2),
            Amount("Vitamin B complex"),
            Amount("Amino acid mixture"),
        ),
        0.05,
        8.0,
        None,
        ("skin_rejuvenation",),
    ),
    (
        "Glutathione 600",
        "Dermo Pharma",
        (Amount("Glutathione", 120),),
        0.05,
        8.0,
        None,
        ("skin_rejuvenation",),
    ),
    ("Dutasteride 0.01%", "Capillia", (Amount("Dutasteride", 0.1),), 0.05, 4.0, 7, ("hair_loss",)),
    ("Biotin 0.5%", "Capillia", (Amount("Biotin", 5),), 0.05, 4.0, None, ("hair_loss",)),
    (
        "Hair complex with lidocaine",
        "Capillia",
        (Amount("Biotin", 2), Amount("Dexpanthenol", 10), Amount("Lidocaine", 5)),
        0.05,
        4.0,
        None,
        ("hair_loss",),
    ),
    (
        "Centella 2%",
        "Phytomeso",
        (Amount("Centella asiatica extract", 2, Unit.PERCENT),),
        0.1,
        20.0,
        None,
        ("cellulite",),
    ),
)
LOT_SPACING_DAYS = 110
SHELF_LIFE_DAYS = 520


@dataclass(frozen=True, slots=True)
class Shelf:
    practitioner_ids: tuple[int, ...]
    # indication → product ids usable for it; product id → lots as (id, received, expiry)
    products_for: dict[str, tuple[int, ...]]
    lots: dict[int, tuple[tuple[int, dt.date, dt.date], ...]]
    lidocaine_products: frozenset[int]


def stock_shelf(db: Database, rng: random.Random, today: dt.date, history_days: int) -> Shelf:
    """Practitioners, clinic details, products and lots covering the whole demo period."""
    practitioner_ids = tuple(
        practice.add_practitioner(db, practice.PractitionerData(name, title, number))
        for name, title, number in PRACTITIONERS
    )
    practice.set_clinic_info(
        db,
        practice.ClinicInfo(
            "Cabinet de médecine esthétique du Parc",
            "12 avenue du Parc\n69006 Lyon",
            "04 78 12 34 56",
        ),
    )
    products_for: dict[str, list[int]] = {}
    lots: dict[int, tuple[tuple[int, dt.date, dt.date], ...]] = {}
    lidocaine: set[int] = set()
    first_received = today - dt.timedelta(days=history_days + 200)
    for index, (name, maker, amounts, per_point, per_sitting, min_days, indications) in enumerate(
        PRODUCTS
    ):
        product_id = catalogue.add_product(
            db,
            catalogue.ProductData(
                name, maker, "solution", amounts, per_point, per_sitting, min_days
            ),
        )
        if any(a.ingredient == "Lidocaine" for a in amounts):
            lidocaine.add(product_id)
        for indication in indications:
            products_for.setdefault(indication, []).append(product_id)
        product_lots = []
        received = first_received + dt.timedelta(days=index * 7)
        number = 0
        while received <= today:
            number += 1
            expiry = received + dt.timedelta(days=SHELF_LIFE_DAYS + rng.randint(-30, 30))
            lot_number = f"{name[:3].upper().replace(' ', '')}-{received:%y%m}-{number:02d}"
            added = catalogue.add_lot(
                db, product_id, catalogue.LotData(lot_number, expiry, received), today=today
            )
            product_lots.append((added.id, received, expiry))
            received += dt.timedelta(days=LOT_SPACING_DAYS + rng.randint(-10, 10))
        lots[product_id] = tuple(product_lots)
    # A box that expired on the shelf and one about to: the Today view has work to show.
    expired = catalogue.add_product(
        db,
        catalogue.ProductData("Vitamin C 10%", "Revita", ingredients=(Amount("Vitamin C", 100),)),
    )
    catalogue.add_lot(
        db,
        expired,
        catalogue.LotData(
            "VC-OLD-01", today - dt.timedelta(days=20), today - dt.timedelta(days=400)
        ),
        today=today,
    )
    catalogue.add_lot(
        db,
        expired,
        catalogue.LotData(
            "VC-SOON-02", today + dt.timedelta(days=12), today - dt.timedelta(days=90)
        ),
        today=today,
    )
    return Shelf(
        practitioner_ids,
        {k: tuple(v) for k, v in products_for.items()},
        lots,
        frozenset(lidocaine),
    )


def lot_on(shelf: Shelf, product_id: int, day: dt.date, rng: random.Random) -> int | None:
    """A lot of the product received by ``day`` and not expired on it."""
    usable = [lot for lot, received, expiry in shelf.lots[product_id] if received <= day <= expiry]
    return rng.choice(usable) if usable else None
