"""The parts of a printed treatment history, each as HTML: identity, screening, courses…

Every value typed by someone (names, notes, lots, catalogue names the practice may have
edited) goes through :func:`esc`; codes are turned into words first (:mod:`.words`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from mesodesk.core.enums import FindingLevel
from mesodesk.core.rules.evaluate import condition_labels
from mesodesk.core.services.courses import CourseSummary
from mesodesk.core.services.history import CourseHistory, PatientHistory, SessionRecord
from mesodesk.core.services.measurements import MeasurementView
from mesodesk.core.services.screening import CONDITION_FIELDS, ConsentView, ScreeningView
from mesodesk.core.services.side_effects import SideEffectView
from mesodesk.reports import words
from mesodesk.reports.document import esc
from mesodesk.reports.tables import facts, grid, nobreak, text_lines

SESSION_COLUMNS = 8


# --- identity ---------------------------------------------------------------------------


def identity(record: PatientHistory, today: dt.date) -> str:
    p = record.identity
    born = f"{words.day(p.date_of_birth)} (age {words.age_on(p.date_of_birth, today)})"
    left = [
        ("File number", esc(p.file_number)),
        ("Name", f"<b>{esc(p.given_names)} {esc(p.family_name)}</b>"),
        ("Date of birth", born),
        ("Sex", esc(p.sex.label)),
    ]
    right = [
        ("Phone", esc(p.phone or words.DASH)),
        ("E-mail", esc(p.email or words.DASH)),
        ("Address", text_lines(p.address) or words.DASH),
    ]
    if record.patient.archived:
        right.append(("Record", "<span class='warning'>Archived</span>"))
    return (
        "<h2>Patient</h2><table class='plain' width='100%' cellspacing='0'><tr>"
        f"<td width='50%'>{facts(left)}</td><td width='50%'>{facts(right)}</td>"
        "</tr></table>"
    )


# --- screening and consents -------------------------------------------------------------


def _screening_rows(view: ScreeningView, regions: Mapping[str, str]) -> list[tuple[str, str]]:
    data = view.data
    allergies = data.allergies or "None recorded"
    if view.allergy_ingredient_names:
        allergies += f" (ingredients: {', '.join(view.allergy_ingredient_names)})"
    infection = words.yes_no(data.active_infection_or_lesion)
    if data.active_infection_or_lesion and data.lesion_regions:
        infection += ", at: " + ", ".join(regions.get(r, r) for r in data.lesion_regions)
    conditions = condition_labels({name: getattr(data, name) for name in CONDITION_FIELDS})
    rows = [
        ("Pregnant", words.yes_no(data.pregnant)),
        ("Breastfeeding", words.yes_no(data.breastfeeding)),
        ("Allergies", allergies),
        ("Current medication", data.medication or "None recorded"),
        (
            "Anticoagulant or bleeding disorder",
            words.yes_no(data.anticoagulant_or_bleeding_disorder),
        ),
        ("Active infection or skin lesion", infection),
        ("Other conditions", words.sentence(", ".join(conditions)) if conditions else "None"),
    ]
    if data.notes:
        rows.append(("Notes", data.notes))
    shown = [(key, text_lines(value)) for key, value in rows]
    serious = [f for f in view.findings if f.level is not FindingLevel.INFO]
    assessment = (
        "<br>".join(f"<span class='warning'>{esc(words.finding(f))}</span>" for f in serious)
        if serious
        else "No contraindication found"
    )
    shown.append(("Assessment", assessment))
    return shown


def _consent_row(consent: ConsentView) -> str:
    state = (
        f"Withdrawn on {words.day(consent.withdrawn_on)}" if consent.withdrawn_on else "In force"
    )
    return (
        f"<tr><td>{esc(words.CONSENT_WORDS[consent.kind])}</td>"
        f"<td>{esc(consent.text_version)}</td><td>{words.day(consent.signed_on)}</td>"
        f"<td>{esc(state)}</td></tr>"
    )


def screening_and_consents(record: PatientHistory, regions: Mapping[str, str]) -> str:
    parts = ["<h2>Screening and consents</h2>"]
    if record.screenings:
        current = record.screenings[0]
        parts.append(f"<h3>Current screening, {words.day(current.data.screened_on)}</h3>")
        parts.append(facts(_screening_rows(current, regions)))
        if len(record.screenings) > 1:
            earlier = "; ".join(
                f"{words.day(s.data.screened_on)} "
                f"({'; '.join(f.message for f in s.findings) or 'clear'})"
                for s in record.screenings[1:]
            )
            parts.append(f"<p class='muted'>Earlier screenings: {esc(earlier)}</p>")
    else:
        parts.append("<p class='warning'>Not screened yet.</p>")
    parts.append("<h3>Consents</h3>")
    if record.consents:
        headers = ("Consent to", "Text version", "Signed on", "Status")
        parts.append(grid(headers, (_consent_row(c) for c in record.consents)))
    else:
        parts.append("<p class='warning'>No consent recorded.</p>")
    return "".join(parts)


# --- courses and their sessions ---------------------------------------------------------


def _course_facts(history: CourseHistory, regions: Mapping[str, str]) -> str:
    c: CourseSummary = history.course
    live = [s for s in history.sessions if not s.voided]
    planned_done = sum(not s.maintenance for s in live)
    plan = f"{c.planned_sessions} sessions, every {c.interval_days} days"
    if c.maintenance_interval_days:
        plan += f"; then maintenance every {c.maintenance_interval_days} days"
    done = f"{planned_done} of {c.planned_sessions}"
    if len(live) > planned_done:
        done += f", and {len(live) - planned_done} maintenance"
    voided = len(history.sessions) - len(live)
    if voided:
        done += f" ({voided} voided, listed below)"
    first = live[0].started_at.date() if live else None
    rows = [
        ("Target areas", esc(", ".join(regions.get(a, a) for a in c.target_areas) or words.DASH)),
        ("Plan", esc(plan)),
        ("Status", esc(c.status.label)),
        ("Sessions done", esc(done)),
        ("Started", words.day(c.start_date)),
        ("First and last session", f"{words.day(first)} to {words.day(c.last_session_date)}"),
        ("Next session due", words.day(c.next_due_date) if c.status.is_open else words.DASH),
    ]
    if c.goal:
        rows.append(("Goal", text_lines(c.goal)))
    return facts(rows) + "<p></p>"


def _cocktail_cell(record: SessionRecord) -> str:
    lines = [
        f"<b>{esc(item.product)}</b> {nobreak(words.millilitres(item.volume_ml))}"
        f"{(' (' + esc(item.dilution) + ')') if item.dilution else ''}<br>"
        f"lot {esc(item.lot_number)}, {nobreak('exp. ' + words.day(item.expiry_date))}"
        for item in record.cocktail
    ]
    return "<br>".join(lines) or words.DASH


def _session_details(record: SessionRecord) -> str:
    device = record.device.label
    extra = " ".join(part for part in (record.device_model, record.device_settings) if part)
    if extra:
        device += f" ({extra})"
    bits = [
        record.practitioner,
        f"{record.duration_min} min" if record.duration_min else "",
        device,
        f"anaesthesia: {record.anaesthesia.label.lower()}",
        f"pain {record.pain_vas}/10" if record.pain_vas is not None else "",
        f"total {words.millilitres(record.total_volume_ml)}",
        "aftercare sheet given" if record.aftercare_given else "no aftercare sheet",
    ]
    text = esc(" · ".join(b for b in bits if b))
    # Cautions and blocks matter to the next reader; the notes (a lot expiring soon) did not.
    checked = [f for f in record.findings if f.level is not FindingLevel.INFO]
    if checked:
        text += f"<br>Checks: {esc('; '.join(words.finding(f) for f in checked))}"
    if record.override_reason:
        text += f"<br>Override reason: {esc(record.override_reason)}"
    if record.notes:
        text += f"<br>Notes: {text_lines(record.notes)}"
    return text


def _session_rows(record: SessionRecord) -> str:
    """One row per treated area; the session and its cocktail span them all."""
    struck = " class='voided'" if record.voided else ""

    def cell(text: str, *, numeric: bool = False, span: int = 1) -> str:
        spanned = f" rowspan='{span}'" if span > 1 else ""
        kind = " class='num'" if numeric else ""
        return (
            f"<td{kind}{spanned}><span{struck}>{text}</span></td>"
            if struck
            else (f"<td{kind}{spanned}>{text}</td>")
        )

    label = ("M" if record.maintenance else "S") + str(record.number)
    when = record.started_at
    span = max(1, len(record.areas))
    head = cell(f"<b>{label}</b><br>{words.day(when.date())}<br>{when:%H:%M}", span=span)
    cocktail = cell(_cocktail_cell(record), span=span)
    rows = []
    areas = record.areas or ()
    if not areas:
        rows.append(f"<tr>{head}<td colspan='6'>No treated area recorded.</td>{cocktail}</tr>")
    for index, area in enumerate(areas):
        cells = "".join(
            (
                cell(esc(words.area(area.region_name, area.side))),
                cell(esc(area.technique_name)),
                cell(nobreak(area.needle or words.DASH)),
                cell(nobreak(words.millimetres(area.depth_mm)), numeric=True),
                cell(words.count(area.points), numeric=True),
                cell(nobreak(words.millilitres(area.volume_ml)), numeric=True),
            )
        )
        rows.append(f"<tr>{head}{cells}{cocktail}</tr>" if index == 0 else f"<tr>{cells}</tr>")
    details = _session_details(record)
    if record.voided:
        reason = esc(record.void_reason or "no reason given")
        details = (
            f"<span class='void-note'><b>Voided</b> (recorded in error): {reason}</span><br>"
            f"<span class='voided'>{details}</span>"
        )
    rows.append(f"<tr><td colspan='{SESSION_COLUMNS}' class='small'>{details}</td></tr>")
    return "".join(rows)


def sessions_table(history: CourseHistory) -> str:
    if not history.sessions:
        return "<p class='muted'>No session recorded in this course yet.</p>"
    headers = ("Session", "Area", "Technique", "Needle", "Depth", "Points", "Volume", "Cocktail")
    rows = (_session_rows(s) for s in history.sessions)
    return grid(headers, rows, numeric=(4, 5, 6), widths=(11, 16, 12, 11, 8, 8, 9, 25))


def course(
    history: CourseHistory, regions: Mapping[str, str], plots: Sequence[str], number: int
) -> str:
    c = history.course
    name = f"Course {number}: {c.indication_name}, started {words.day(c.start_date)}"
    parts = [f"<h3>{esc(name)}</h3>", _course_facts(history, regions), sessions_table(history)]
    # The caption goes under its picture: a picture too tall for the rest of a page moves
    # to the next one, and a caption above it would be left behind.
    caption = f"Progress of course {number} ({c.indication_name}) against the session dates."
    for picture in plots:
        parts.append(f"<p align='center'><img src='{esc(picture)}'></p>")
        parts.append(f"<p align='center' class='muted small'>{esc(caption)}</p>")
    return "".join(parts)


def courses(
    record: PatientHistory, regions: Mapping[str, str], plots: Mapping[int, Sequence[str]]
) -> str:
    parts = ["<h2>Courses of treatment</h2>"]
    if not record.courses:
        parts.append("<p class='muted'>No course of treatment recorded.</p>")
    # Oldest first on paper: the story reads in the order it happened.
    ordered = sorted(record.courses, key=lambda h: (h.course.start_date, h.course.id))
    for number, history in enumerate(ordered, start=1):
        parts.append(course(history, regions, plots.get(history.course.id, ()), number))
    return "".join(parts)


# --- side effects and measurements ------------------------------------------------------


def _side_effect_row(
    effect: SideEffectView, labels: Mapping[int, str], areas: Mapping[int, str]
) -> str:
    severity = effect.severity.label + (", serious" if effect.serious else "")
    resolved = words.day(effect.resolved_on) if effect.resolved_on else "Not yet"
    action = text_lines(effect.action_taken)
    if effect.reported_to_regulator:
        reported = f"Reported to the regulator on {words.day(effect.reported_on)}"
        action = f"{action}<br>{esc(reported)}" if action else esc(reported)
    if effect.notes:
        action += f"{'<br>' if action else ''}<span class='muted'>{text_lines(effect.notes)}</span>"
    session = labels.get(effect.session_id, f"S{effect.session_number}")
    area = areas.get(effect.area_id, effect.area) if effect.area_id else effect.area
    return (
        f"<tr><td>{esc(effect.type_name)}</td>"
        f"<td>{esc(session)}<br>{words.day(effect.session_date)}</td>"
        f"<td>{esc(area or words.DASH)}</td>"
        f"<td>{esc(effect.suspected_lot or words.DASH)}</td>"
        f"<td>{esc(severity)}</td><td>{words.day(effect.onset_on)}</td>"
        f"<td>{esc(resolved)}</td><td>{action or words.DASH}</td></tr>"
    )


def side_effects(record: PatientHistory, labels: Mapping[int, str]) -> str:
    parts = ["<h2>Side effects</h2>"]
    if not record.side_effects:
        parts.append("<p class='muted'>No side effect recorded.</p>")
        return "".join(parts)
    headers = (
        "Side effect", "Session", "Area", "Suspected lot", "Severity", "Onset", "Resolved",
        "Action taken",
    )  # fmt: skip
    ordered = sorted(record.side_effects, key=lambda e: (e.onset_on, e.id))
    areas = area_names(record)
    rows = (_side_effect_row(e, labels, areas) for e in ordered)
    parts.append(grid(headers, rows, widths=(14, 11, 14, 15, 9, 11, 11, 15)))
    return "".join(parts)


def _measurement_row(item: MeasurementView, labels: Mapping[int, str]) -> str:
    value = nobreak(item.shown) if len(item.shown) <= 12 else esc(item.shown)
    if item.notes:
        value += f"<br><span class='muted'>{text_lines(item.notes)}</span>"
    session = labels.get(item.session_id, words.DASH) if item.session_id else words.DASH
    return (
        f"<tr><td>{words.day(item.measured_on)}</td><td>{esc(item.metric_name)}</td>"
        f"<td>{esc(item.site or words.DASH)}</td><td class='num'>{value}</td>"
        f"<td>{esc(item.rater.label)}</td><td>{esc(session)}</td></tr>"
    )


def measurements(record: PatientHistory, labels: Mapping[int, str]) -> str:
    parts = ["<h2>Measurements</h2>"]
    if not record.measurements:
        parts.append("<p class='muted'>No measurement recorded.</p>")
        return "".join(parts)
    headers = ("Date", "Measure", "Site", "Value", "Rated by", "Session")
    rows = (_measurement_row(m, labels) for m in record.measurements)
    parts.append(grid(headers, rows, numeric=(3,), widths=(12, 27, 27, 14, 10, 10)))
    return "".join(parts)


def area_names(record: PatientHistory) -> dict[int, str]:
    """Each treated area in words by id, for the side effects tied to one."""
    return {
        a.area_id: words.area(a.region_name, a.side)
        for history in record.courses
        for s in history.sessions
        for a in s.areas
    }


def session_labels(record: PatientHistory) -> dict[int, str]:
    """Each session's short name (S3, M1) by id, for the side effects and measurements."""
    return {
        s.id: ("M" if s.maintenance else "S") + str(s.number)
        for history in record.courses
        for s in history.sessions
    }
