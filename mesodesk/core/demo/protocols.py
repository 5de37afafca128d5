"""How each indication is treated and measured in the demo practice."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AreaPlan:
    region: str
    sided: bool  # sided regions are treated left and right as two rows
    technique: str
    gauge: int
    length_mm: float
    depth_mm: tuple[float, float]
    points: tuple[int, int]
    volume_ml: tuple[float, float]


@dataclass(frozen=True, slots=True)
class MetricPlan:
    """A measured outcome: metric, site, a typical baseline and its change per session."""

    metric: str
    site: str
    baseline: tuple[float, float]
    per_session: float  # change per session for a full responder
    noise: float
    decimals: int = 1
    floor: float | None = None
    ceiling: float | None = None


@dataclass(frozen=True, slots=True)
class Protocol:
    indication: str
    areas: tuple[AreaPlan, ...]
    intervals: tuple[int, ...]
    planned: tuple[int, int]
    maintenance_interval: int | None
    metrics: tuple[MetricPlan, ...]
    goal: str


THIGH = "15 cm above the patella"
PROTOCOLS: dict[str, Protocol] = {
    "cellulite": Protocol(
        "cellulite",
        (
            AreaPlan("thigh_outer", True, "nappage", 30, 4, (2, 3), (40, 80), (1.5, 2.5)),
            AreaPlan("buttock", True, "papule", 30, 4, (1, 2), (15, 30), (0.6, 1.2)),
            AreaPlan("thigh_posterior", True, "nappage", 30, 4, (2, 3), (30, 50), (1.0, 2.0)),
        ),
        (14, 14, 10, 21),
        (6, 10),
        30,
        (
            MetricPlan("circumference", f"left thigh, {THIGH}", (54, 64), -0.4, 0.25),
            MetricPlan("circumference", f"right thigh, {THIGH}", (54, 64), -0.4, 0.25),
            MetricPlan("weight", "", (56, 80), -0.05, 0.4),
            MetricPlan("css_a", "", (1, 3), -0.15, 0.0, 0, 0, 3),
            MetricPlan("css_b", "", (1, 3), -0.12, 0.0, 0, 0, 3),
            MetricPlan("css_c", "", (1, 3), -0.12, 0.0, 0, 0, 3),
            MetricPlan("css_d", "", (0, 2), -0.05, 0.0, 0, 0, 3),
            MetricPlan("css_e", "", (1, 3), -0.1, 0.0, 0, 0, 3),
        ),
        "Smoother outer thighs before summer",
    ),
    "localized_fat": Protocol(
        "localized_fat",
        (
            AreaPlan(
                "abdomen_lower", False, "point_by_point", 30, 13, (6, 10), (20, 40), (2.0, 4.0)
            ),
            AreaPlan("flank", True, "point_by_point", 30, 13, (6, 10), (15, 25), (1.5, 3.0)),
            AreaPlan("submental", False, "point_by_point", 30, 6, (4, 6), (10, 20), (0.8, 1.5)),
        ),
        (21, 28),
        (4, 6),
        None,
        (
            MetricPlan("circumference", "waist at the navel", (78, 98), -0.6, 0.4),
            MetricPlan("fat_thickness", "lower abdomen, 3 cm below the navel", (18, 32), -0.7, 0.5),
            MetricPlan("weight", "", (60, 90), -0.1, 0.4),
        ),
        "Reduce the lower abdominal bulge",
    ),
    "skin_rejuvenation": Protocol(
        "skin_rejuvenation",
        (
            AreaPlan("forehead", False, "nappage", 32, 4, (2, 2), (60, 100), (0.5, 1.0)),
            AreaPlan("cheek", True, "nappage", 32, 4, (2, 2), (50, 90), (0.5, 1.0)),
            AreaPlan("perioral", False, "papule", 32, 4, (1, 1.5), (20, 40), (0.3, 0.6)),
            AreaPlan("neck_anterior", False, "nappage", 32, 4, (2, 2), (60, 100), (0.8, 1.2)),
        ),
        (15, 14, 21),
        (4, 6),
        90,
        (
            MetricPlan("wsrs", "forehead", (2, 4), -0.25, 0.0, 0, 1, 5),
            MetricPlan("skin_hydration", "left cheek", (35, 55), 2.0, 3.0, 0, 0, 130),
        ),
        "Fresher, better hydrated skin of face and neck",
    ),
    "hair_loss": Protocol(
        "hair_loss",
        (
            AreaPlan("scalp_vertex", False, "point_by_point", 32, 4, (4, 4), (80, 120), (1.5, 2.0)),
            AreaPlan(
                "scalp_frontal", False, "point_by_point", 32, 4, (4, 4), (60, 100), (1.0, 1.5)
            ),
        ),
        (7, 14),
        (8, 12),
        60,
        (
            MetricPlan("hair_density_total", "vertex, 1 cm²", (120, 160), 2.5, 4.0, 0),
            MetricPlan("hair_density_terminal", "vertex, 1 cm²", (80, 110), 2.0, 3.0, 0),
            MetricPlan("anagen_telogen_ratio", "vertex", (55, 66), 1.0, 1.5, 0, 0, 100),
            MetricPlan("hair_pull_test", "", (4, 8), -0.4, 0.0, 0, 0, 30),
        ),
        "Stop the thinning at the vertex and regain density",
    ),
}
INDICATION_WEIGHTS = (
    ("cellulite", 4),
    ("localized_fat", 3),
    ("skin_rejuvenation", 3),
    ("hair_loss", 2),
)

SIDE_EFFECTS = (
    ("bruising", 30),
    ("redness", 20),
    ("swelling", 15),
    ("injection_site_pain", 12),
    ("itching", 8),
    ("bumps", 6),
    ("increased_sensitivity", 4),
    ("haematoma", 3),
    ("hyperpigmentation", 1),
    ("rash", 1),
)
