"""Patients with their screenings, consents, courses, sessions and outcomes."""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from dataclasses import dataclass, field

from mesodesk.core.demo.names import FAMILY, FEMALE, MALE, STREETS, TOWNS
from mesodesk.core.demo.protocols import (
    INDICATION_WEIGHTS,
    PROTOCOLS,
    SIDE_EFFECTS,
    AreaPlan,
    MetricPlan,
    Protocol,
)
from mesodesk.core.demo.shelf import Shelf, lot_on
from mesodesk.core.demo.writer import BulkWriter
from mesodesk.core.models.base import utc_now
from mesodesk.core.rules import AreaFacts, LineFacts, ProductFacts, SessionFacts, evaluate_session
from mesodesk.core.text import digits, fold

HISTORY_DAYS = 420
CSS_ITEMS = ("css_a", "css_b", "css_c", "css_d", "css_e")


@dataclass
class PatientPlan:
    """What the generator knows of one patient while writing them."""

    id: int
    born: dt.date
    height_cm: float
    allergic_to_lidocaine: bool
    consent_from: dt.date | None
    archived: bool = False
    last_used: dict[int, dt.date] = field(default_factory=dict)  # product id → last day


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([k for k, _ in weighted], [w for _, w in weighted])[0]


def _phone(rng: random.Random) -> str:
    return "0" + str(rng.choice((6, 7))) + "".join(f" {rng.randint(0, 99):02d}" for _ in range(4))


class ClinicWriter:
    """Writes ``count`` patients and everything about them through a :class:`BulkWriter`."""

    def __init__(
        self,
        writer: BulkWriter,
        shelf: Shelf,
        products: dict[int, ProductFacts],
        regions: dict[str, str],
        rng: random.Random,
        today: dt.date,
    ) -> None:
        self.w = writer
        self.shelf = shelf
        self.products = products
        self.regions = regions
        self.rng = rng
        self.today = today
        self.now = utc_now()
        self.expiry = {lot: expiry for lots in shelf.lots.values() for lot, _, expiry in lots}

    # --- people -------------------------------------------------------------------
    def patient(self, index: int) -> PatientPlan:
        rng = self.rng
        female = rng.random() < 0.82
        given = rng.choice(FEMALE if female else MALE)
        family = rng.choice(FAMILY)
        born = self.today - dt.timedelta(days=rng.randint(20 * 365 + 10, 70 * 365))
        year = self.today.year - rng.choice((0, 0, 1, 1, 2, 3))
        number = f"{year}-{index + 1:04d}"
        phone = _phone(rng)
        email = (
            (f"{fold(given).replace(' ', '')}.{fold(family).replace(' ', '')}@example.org").replace(
                "'", ""
            )
            if rng.random() < 0.6
            else ""
        )
        archived = rng.random() < 0.05
        address = f"{rng.randint(1, 120)} {rng.choice(STREETS)}\n{rng.choice(TOWNS)}"
        patient_id = self.w.add(
            "patient",
            {
                "file_number": number,
                "family_name": family,
                "given_names": given,
                "date_of_birth": born,
                "sex": "female" if female else "male",
                "phone": phone,
                "email": email,
                "address": address,
                "notes": "",
                "archived": archived,
                "created_at": self.now,
                "family_key": fold(family),
                "given_key": fold(given),
                "phone_digits": digits(phone),
            },
        )
        allergic = rng.random() < 0.04
        return PatientPlan(
            patient_id, born, round(rng.uniform(155, 185), 0), allergic, None, archived=archived
        )

    def close_if_archived(self, plan: PatientPlan) -> None:
        """An archived patient's courses are over: nothing of theirs is due."""
        if not plan.archived:
            return
        for row in self.w.pending["course"]:
            if row["patient_id"] == plan.id and row["status"] in (
                "planned",
                "active",
                "maintenance",
            ):
                row["status"] = "completed"

    def screening(self, plan: PatientPlan, on: dt.date) -> None:
        rng = self.rng
        self.w.add(
            "screening",
            {
                "patient_id": plan.id,
                "screened_on": on,
                "recorded_at": self.now,
                "practitioner_id": rng.choice(self.shelf.practitioner_ids),
                "pregnant": False,
                "breastfeeding": False,
                "allergies": "lidocaine" if plan.allergic_to_lidocaine else "none known",
                "medication": rng.choice(
                    ("", "", "", "levothyroxine", "oral contraceptive", "apixaban")
                ),
                "anticoagulant_or_bleeding_disorder": False,
                "active_infection_or_lesion": False,
                "lesion_regions": "",
                "diabetes": rng.random() < 0.03,
                "cancer": False,
                "heart_disease": False,
                "severe_hypertension": False,
                "kidney_failure": False,
                "gallstones": False,
                "pacemaker": False,
                "cortisone_therapy": False,
                "keloid_history": rng.random() < 0.02,
                "autoimmune_disease": False,
                "notes": "",
            },
        )
        for kind, share in (("treatment", 0.96), ("photos", 0.6)):
            if rng.random() < share:
                self.w.add(
                    "consent",
                    {
                        "patient_id": plan.id,
                        "kind": kind,
                        "text_version": "3",
                        "signed_on": on,
                        "withdrawn_on": None,
                        "voided": False,
                    },
                )
                if kind == "treatment":
                    plan.consent_from = on

    # --- courses ------------------------------------------------------------------
    def course(self, plan: PatientPlan, indication: str, start: dt.date) -> int:
        rng = self.rng
        protocol = PROTOCOLS[indication]
        planned = rng.randint(*protocol.planned)
        interval = rng.choice(protocol.intervals)
        responder = rng.random() > 0.15
        response = rng.uniform(0.6, 1.3) if responder else rng.uniform(-0.3, 0.15)
        course_id = self.w.add(
            "course",
            {
                "patient_id": plan.id,
                "indication_code": indication,
                "target_areas": ",".join(a.region for a in protocol.areas),
                "planned_sessions": planned,
                "interval_days": interval,
                "maintenance_interval_days": protocol.maintenance_interval,
                "start_date": start,
                "status": "planned",
                "status_reason": "",
                "goal": protocol.goal,
                "created_at": self.now,
            },
        )
        row = self.w.pending["course"][-1]
        areas = [a for a in protocol.areas if rng.random() < 0.8] or [protocol.areas[0]]
        products = self._cocktail_products(plan, protocol)
        baselines = {(m.metric, m.site): rng.uniform(*m.baseline) for m in protocol.metrics}
        stop_after = rng.randint(2, max(2, planned - 1)) if rng.random() < 0.05 else None
        day, number, maintenance_left = start, 0, rng.randint(0, 4)
        status = "active"
        previous: dt.date | None = None
        while day <= self.today:
            number += 1
            maintenance = number > planned
            self._measure(
                plan,
                course_id,
                None,
                start,
                protocol,
                baselines,
                response,
                number,
                day,
                baseline=number == 1,
            )
            gap_after = (
                (protocol.maintenance_interval or interval) if number >= planned else interval
            )
            session_id = self._session(
                plan,
                course_id,
                number,
                maintenance,
                day,
                interval,
                gap_after,
                previous,
                protocol,
                areas,
                products,
            )
            previous = day
            self._measure(
                plan,
                course_id,
                session_id,
                start,
                protocol,
                baselines,
                response,
                number,
                day,
                baseline=False,
                with_session=True,
            )
            if stop_after is not None and number >= stop_after:
                status = "stopped" if rng.random() < 0.6 else "paused"
                row["status_reason"] = rng.choice(
                    ("moving away", "pregnancy", "cost", "not satisfied with progress")
                )
                break
            if number >= planned:
                if protocol.maintenance_interval is None:
                    status = "completed"
                    break
                status = "maintenance"
                if maintenance_left == 0:
                    status = "completed"
                    break
                if maintenance:
                    maintenance_left -= 1
                gap = protocol.maintenance_interval
            else:
                gap = interval
            day = day + dt.timedelta(days=gap + rng.randint(-2, 2))
        row["status"] = status
        return course_id

    def _cocktail_products(self, plan: PatientPlan, protocol: Protocol) -> list[int]:
        choices = [
            p
            for p in self.shelf.products_for[protocol.indication]
            if not (plan.allergic_to_lidocaine and p in self.shelf.lidocaine_products)
        ]
        count = min(len(choices), self.rng.choice((1, 2, 2, 3)))
        return self.rng.sample(choices, count)

    def _session(
        self,
        plan: PatientPlan,
        course_id: int,
        number: int,
        maintenance: bool,
        day: dt.date,
        interval: int,
        gap_after: int,
        previous: dt.date | None,
        protocol: Protocol,
        areas: list[AreaPlan],
        products: list[int],
    ) -> int:
        rng = self.rng
        start = dt.datetime.combine(day, dt.time(rng.randint(9, 17), rng.choice((0, 15, 30, 45))))
        lines = []
        for product in products:
            lot = lot_on(self.shelf, product, day, rng)
            if lot is not None:
                lines.append((product, lot, round(rng.uniform(1.0, 2.5), 1)))
        if not lines:  # the shelf covers the whole period; this keeps the rows valid anyway
            product = products[0]
            lines.append((product, self.shelf.lots[product][-1][0], 2.0))
        rows = []
        for plan_area in areas:
            for side in ("left", "right") if plan_area.sided else ("midline",):
                rows.append((plan_area, side))
        area_values = [
            (
                a,
                side,
                round(rng.uniform(*a.depth_mm) * 2) / 2,
                rng.randint(*a.points),
                round(rng.uniform(*a.volume_ml), 1),
            )
            for a, side in rows
        ]
        # The syringe holds what the areas receive, plus a little dead volume.
        prepared = sum(v for *_, v in area_values) * rng.uniform(1.0, 1.1)
        drawn = sum(volume for _, _, volume in lines)
        lines = [(p, lot, math.ceil(v * prepared / drawn * 10) / 10) for p, lot, v in lines]
        facts = SessionFacts(
            session_date=day,
            date_of_birth=plan.born,
            screening=None,
            lines=tuple(
                LineFacts("", self.expiry[lot], self.products[p], vol) for p, lot, vol in lines
            ),
            areas=tuple(
                AreaFacts(a.region, self.regions[a.region], side, vol, points)
                for a, side, _, points, vol in area_values
            ),
            treatment_consent_signed=plan.consent_from is not None and plan.consent_from <= day,
            previous_session_date=previous,
            course_interval_days=interval,
            product_last_used={self.products[p].name: d for p, d in plan.last_used.items()},
        )
        findings = [f for f in evaluate_session(facts) if f.rule != "no_screening"]
        due = day + dt.timedelta(days=gap_after)
        session_id = self.w.add(
            "treatment_session",
            {
                "course_id": course_id,
                "number": number,
                "maintenance": maintenance,
                "started_at": start,
                "duration_min": rng.choice((20, 30, 30, 40, 45)),
                "practitioner_id": rng.choice(self.shelf.practitioner_ids),
                "device": rng.choice(("manual_needle", "gun")),
                "device_model": "",
                "device_settings": "",
                "anaesthesia": rng.choice(("none", "none", "topical")),
                "screening_id": None,
                "findings_json": json.dumps([f.as_dict() for f in findings], ensure_ascii=False),
                "override_reason": None,
                "aftercare_given": True,
                "aftercare_code": "standard",
                "aftercare_version": "1",
                "pain_vas": rng.randint(1, 5),
                "notes": "",
                "next_due_date": due,
                "recorded_at": self.now,
                "voided": False,
            },
        )
        line_ids = []
        for position, (product, lot, volume) in enumerate(lines, start=1):
            line_ids.append(
                self.w.add(
                    "cocktail_line",
                    {
                        "session_id": session_id,
                        "position": position,
                        "lot_id": lot,
                        "volume_ml": volume,
                        "dilution": "",
                        "voided": False,
                    },
                )
            )
            plan.last_used[product] = day
        area_ids = []
        for position, (a, side, depth, points, volume) in enumerate(area_values, start=1):
            area_ids.append(
                self.w.add(
                    "treated_area",
                    {
                        "session_id": session_id,
                        "position": position,
                        "region_code": a.region,
                        "side": side,
                        "technique_code": a.technique,
                        "needle_gauge": a.gauge,
                        "needle_length_mm": a.length_mm,
                        "depth_mm": depth,
                        "points": points,
                        "volume_ml": volume,
                        "map_points_json": "[]",
                        "voided": False,
                    },
                )
            )
        if rng.random() < 0.08:
            self._side_effect(
                session_id, day, rng.choice(area_ids), rng.choice([lot for _, lot, _ in lines])
            )
        return session_id

    def _side_effect(self, session_id: int, day: dt.date, area_id: int, lot_id: int) -> None:
        rng = self.rng
        onset = day + dt.timedelta(days=rng.choice((0, 0, 1, 1, 2)))
        resolved = onset + dt.timedelta(days=rng.randint(1, 10))
        severity = rng.choices(("mild", "moderate", "severe"), (85, 14, 1))[0]
        self.w.add(
            "side_effect",
            {
                "session_id": session_id,
                "area_id": area_id,
                "suspected_lot_id": lot_id,
                "type_code": _pick(rng, SIDE_EFFECTS),
                "severity": severity,
                "serious": False,
                "onset_on": onset,
                "resolved_on": resolved if resolved <= self.today else None,
                "action_taken": rng.choice(("cold compresses", "reassurance", "arnica gel", "")),
                "reported_to_regulator": False,
                "reported_on": None,
                "notes": "",
                "recorded_at": self.now,
                "voided": False,
            },
        )

    # --- measurements ---------------------------------------------------------------
    def _measure(
        self,
        plan: PatientPlan,
        course_id: int,
        session_id: int | None,
        start: dt.date,
        protocol: Protocol,
        baselines: dict[tuple[str, str], float],
        response: float,
        number: int,
        day: dt.date,
        *,
        baseline: bool,
        with_session: bool = False,
    ) -> None:
        # Baseline before session 1 (no session), then at every third session.
        if baseline == with_session or (with_session and number % 3 != 0):
            return
        rng = self.rng
        css: dict[str, float] = {}
        done = 0 if baseline else number
        for metric in protocol.metrics:
            value = _value(metric, baselines[(metric.metric, metric.site)], response, done, rng)
            self._measurement(plan, course_id, session_id, day, metric.metric, metric.site, value)
            if metric.metric in CSS_ITEMS:
                css[metric.metric] = value
            if metric.metric == "weight":
                if baseline:
                    self._measurement(
                        plan, course_id, session_id, day, "height", "", plan.height_cm
                    )
                self._measurement(
                    plan,
                    course_id,
                    session_id,
                    day,
                    "bmi",
                    "",
                    round(value / (plan.height_cm / 100) ** 2, 1),
                )
        if len(css) == len(CSS_ITEMS):
            self._measurement(
                plan, course_id, session_id, day, "css_total", "", float(sum(css.values()))
            )
        if protocol.indication == "skin_rejuvenation" and not baseline:
            gais = 1 if response > 1.1 else 2 if response > 0.6 else 3 if response > 0 else 4
            self._measurement(plan, course_id, session_id, day, "gais", "face", float(gais))

    def _measurement(
        self,
        plan: PatientPlan,
        course_id: int,
        session_id: int | None,
        day: dt.date,
        metric: str,
        site: str,
        value: float,
    ) -> None:
        self.w.add(
            "measurement",
            {
                "patient_id": plan.id,
                "course_id": course_id,
                "session_id": session_id,
                "measured_on": day,
                "metric_code": metric,
                "site": site,
                "value": value,
                "rater": "clinician",
                "notes": "",
                "recorded_at": self.now,
                "voided": False,
            },
        )

    def start_for(self) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(10, HISTORY_DAYS))

    def indication(self) -> str:
        return _pick(self.rng, INDICATION_WEIGHTS)


def _value(
    metric: MetricPlan, base: float, response: float, sessions: int, rng: random.Random
) -> float:
    value = base + metric.per_session * response * sessions + rng.gauss(0, metric.noise)
    if metric.floor is not None:
        value = max(metric.floor, value)
    if metric.ceiling is not None:
        value = min(metric.ceiling, value)
    return round(value, metric.decimals) if metric.decimals else float(round(value))
