"""The practice's outcomes window: protocols side by side, side effects, filters, export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from mesodesk.core.db import Database
from mesodesk.core.services import sessions
from mesodesk.plots import hover_points
from mesodesk.ui.plots import export
from mesodesk.ui.plots.analytics_window import AnalyticsWindow
from tests.plots.clinic import Clinic, circumference, open_clinic

D = dt.date


@pytest.fixture
def clinic(db: Database) -> Clinic:
    """Alpha alone for two courses, Alpha with Beta for one; side effects on three sessions."""
    c = open_clinic(db)
    for family, start, products, by, left in (
        ("Dubois", D(2025, 1, 6), ("Alpha",), "Dr One", (60, 59, 58)),
        ("Moreau", D(2025, 2, 3), ("Alpha",), "Dr One", (64, 62.5, 61)),
        ("Girard", D(2025, 1, 13), ("Alpha", "Beta"), "Dr Two", (70, 68, 67)),
    ):
        course = c.course(c.patient(family), "cellulite", start)
        for number, value in enumerate(left):
            c.session(
                course,
                start + dt.timedelta(days=28 * number),
                by=by,
                products=products,
                measurements=circumference(value),
                side_effects=["bruising"] if number == 1 else [],
            )
    return c


def choose(qtbot: QtBot, box: QComboBox, text: str) -> None:
    """Pick an entry the way a keyboard user does: focus the list, step to it."""
    box.setFocus()
    target = box.findText(text)
    assert target >= 0, f"{text!r} is not offered"
    key = Qt.Key.Key_Down if target > box.currentIndex() else Qt.Key.Key_Up
    while box.currentIndex() != target:
        qtbot.keyClick(box, key)


def titles(window: AnalyticsWindow) -> list[str]:
    return [ax.get_title(loc="left") for ax in window.cohort_plot.figure.axes]


def show(qtbot: QtBot, db: Database) -> AnalyticsWindow:
    window = AnalyticsWindow(db)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_two_protocols_side_by_side(qtbot: QtBot, db: Database, clinic: Clinic) -> None:
    window = show(qtbot, db)

    assert window.indication.currentText() == "Cellulite"
    assert window.measure.currentText() == "Circumference (cm)"
    offered = [window.protocol_a.itemText(i) for i in range(window.protocol_a.count())]
    assert offered == [
        "All cellulite courses",
        "with Alpha (3 courses)",
        "with Beta (1 courses)",
        "Alpha (2 courses)",
        "Alpha + Beta (1 courses)",
        "None (one panel)",
    ]
    assert titles(window) == [
        "Cellulite · with Alpha\nCircumference · 3 courses",
        "Cellulite · with Beta\nCircumference · 1 courses",
    ]

    choose(qtbot, window.protocol_b, "Alpha + Beta (1 courses)")
    choose(qtbot, window.protocol_a, "Alpha (2 courses)")
    assert titles(window) == [
        "Cellulite · Alpha\nCircumference · 2 courses",
        "Cellulite · Alpha + Beta\nCircumference · 1 courses",
    ]
    alone = window.cohort_plot.figure.axes[0]
    means = [p.y for p in hover_points(window.cohort_plot.figure) if p.axes is alone]
    # Every fourth week: the two Alpha courses lose 1 and 1.5 cm, then 2 and 3 cm.
    assert means == [0.0, -1.25, -2.5]

    choose(qtbot, window.protocol_b, "None (one panel)")
    assert len(titles(window)) == 1


def test_side_effects_follow_the_practitioner_filter(
    qtbot: QtBot, db: Database, clinic: Clinic
) -> None:
    window = show(qtbot, db)
    assert window.incidence_plot.figure.get_suptitle() == (
        "Side effects per 100 sessions · 3 side effects in 9 sessions"
    )

    choose(qtbot, window.practitioner, "Dr Two")

    assert window.incidence_plot.figure.get_suptitle() == (
        "Side effects per 100 sessions · 1 side effects in 3 sessions"
    )
    assert titles(window)[0] == "Cellulite · with Alpha\nCircumference · 1 courses"


def test_chosen_dates_and_a_change_in_the_record(
    qtbot: QtBot, db: Database, clinic: Clinic
) -> None:
    window = show(qtbot, db)
    choose(qtbot, window.period, "Chosen dates")
    assert window.date_from.isEnabled()
    window.date_from.setDate(D(2025, 2, 1))
    window.date_to.setDate(D(2025, 3, 31))
    suptitle = window.incidence_plot.figure.get_suptitle()
    assert suptitle == "Side effects per 100 sessions · 3 side effects in 7 sessions"

    wrong = sessions.record_session(
        db,
        sessions.SessionData(
            1, dt.datetime(2025, 3, 5, 9, 0), clinic.practitioners["Dr One"],
            cocktail=(sessions.CocktailLineData(clinic.lots["Gamma"], 1.0),),
            areas=(sessions.AreaData("thigh_outer", sessions.Side.LEFT, "nappage", 1.0),),
        ),
    )  # fmt: skip
    assert window.incidence_plot.figure.get_suptitle().endswith("in 8 sessions")
    products = [t.get_text() for t in window.incidence_plot.figure.axes[0].get_yticklabels()]
    assert "Gamma" in products
    sessions.void_session(db, wrong.id, "wrong course")
    assert window.incidence_plot.figure.get_suptitle().endswith("in 7 sessions")


def test_another_indication_and_percent_change(qtbot: QtBot, db: Database, clinic: Clinic) -> None:
    window = show(qtbot, db)
    choose(qtbot, window.change_as, "As % of the baseline")
    assert window.cohort_plot.figure.axes[0].get_ylabel().startswith("Mean change from baseline, %")

    choose(qtbot, window.indication, "Hair loss")
    measures = [window.measure.itemText(i) for i in range(window.measure.count())]
    assert measures[0] == "Hair density (hairs/cm²)"
    assert "Height (cm)" not in measures
    assert [window.protocol_a.itemText(i) for i in range(window.protocol_a.count())] == [
        "All hair loss courses",
        "None (one panel)",
    ]
    texts = [t.get_text() for ax in window.cohort_plot.figure.axes for t in ax.texts]
    assert texts == ["No course of this protocol has\nthis measure taken from its start."]


def test_exporting_both_figures(
    qtbot: QtBot, db: Database, clinic: Clinic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = show(qtbot, db)
    targets = iter([tmp_path / "outcomes.svg", tmp_path / "side effects.pdf"])
    asked: list[str] = []
    monkeypatch.setattr(
        export, "choose_export_path", lambda parent, name: asked.append(name) or next(targets)
    )

    qtbot.mouseClick(window.export_cohort_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.export_incidence_button, Qt.MouseButton.LeftButton)

    assert asked == [
        "Outcomes Cellulite Circumference (cm).png",
        "Side effects per 100 sessions.png",
    ]
    assert (tmp_path / "outcomes.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert (tmp_path / "side effects.pdf").read_bytes()[:5] == b"%PDF-"
