"""Overview: identity, the current screening in words, screening history, consents."""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtWidgets import QTextBrowser

from mesodesk.core.services.history import PatientHistory
from mesodesk.core.services.screening import CONDITION_FIELDS, ScreeningView

CONDITION_WORDS = {name: name.replace("_", " ") for name in CONDITION_FIELDS}
CONDITION_WORDS["keloid_history"] = "history of keloids"


def _e(text: object) -> str:
    return html.escape(str(text))


def screening_words(view: ScreeningView, region_names: dict[str, str]) -> list[str]:
    data = view.data
    lines = []
    if data.pregnant:
        lines.append("<b style='color:#b00020'>Pregnant</b>")
    if data.breastfeeding:
        lines.append("<b style='color:#b00020'>Breastfeeding</b>")
    allergies = data.allergies or "not asked"
    if view.allergy_ingredient_names:
        allergies += " — linked: " + ", ".join(view.allergy_ingredient_names)
    lines.append(f"Allergies: <b>{_e(allergies)}</b>")
    lines.append(f"Medication: {_e(data.medication or 'none')}")
    if data.anticoagulant_or_bleeding_disorder:
        lines.append("<b style='color:#a15c00'>Anticoagulant or bleeding disorder</b>")
    if data.active_infection_or_lesion:
        sites = ", ".join(region_names.get(r, r) for r in data.lesion_regions) or "site not given"
        lines.append(f"<b style='color:#b00020'>Active infection or lesion</b>: {_e(sites)}")
    conditions = [CONDITION_WORDS[n] for n in CONDITION_FIELDS if getattr(data, n)]
    lines.append("Other conditions: " + (_e(", ".join(conditions)) if conditions else "none"))
    if data.notes:
        lines.append(f"Notes: {_e(data.notes)}")
    return lines


class OverviewTab(QTextBrowser):
    def show_history(
        self, record: PatientHistory, region_names: dict[str, str], today: dt.date
    ) -> None:
        p = record.identity
        parts = ["<h3>Identity</h3><table cellspacing='4'>"]
        rows = [
            ("File number", p.file_number),
            ("Name", f"{p.given_names} {p.family_name}"),
            ("Born", f"{p.date_of_birth.isoformat()} ({record.patient.age_on(today)} years)"),
            ("Sex", p.sex.label),
            ("Phone", p.phone or "—"),
            ("E-mail", p.email or "—"),
            ("Address", p.address or "—"),
            ("Notes", p.notes or "—"),
        ]
        parts += [f"<tr><td><b>{_e(k)}</b></td><td>{_e(v)}</td></tr>" for k, v in rows]
        parts.append("</table>")
        if record.screenings:
            current = record.screenings[0]
            parts.append(f"<h3>Current screening ({current.data.screened_on.isoformat()})</h3>")
            parts.append("<br>".join(screening_words(current, region_names)))
            if len(record.screenings) > 1:
                parts.append("<h3>Earlier screenings</h3><ul>")
                for older in record.screenings[1:]:
                    found = "; ".join(f.message for f in older.findings) or "clear"
                    parts.append(f"<li>{older.data.screened_on.isoformat()}: {_e(found)}</li>")
                parts.append("</ul>")
        else:
            parts.append("<h3>Screening</h3><p style='color:#a15c00'>Not screened yet.</p>")
        parts.append("<h3>Consents</h3>")
        if record.consents:
            parts.append("<ul>")
            for c in record.consents:
                state = f"withdrawn {c.withdrawn_on.isoformat()}" if c.withdrawn_on else "in force"
                parts.append(
                    f"<li>{_e(c.kind.label)} — text version {_e(c.text_version)}, "
                    f"signed {c.signed_on.isoformat()} ({state})</li>"
                )
            parts.append("</ul>")
        else:
            parts.append("<p style='color:#a15c00'>No consent recorded.</p>")
        self.setHtml("\n".join(parts))
