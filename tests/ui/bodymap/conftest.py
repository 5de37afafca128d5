"""Clicking and dragging on the body map as a practitioner would, at diagram positions."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from mesodesk.core.enums import Side
from mesodesk.ui.bodymap.view import BodyMapView

NO_MODIFIER = Qt.KeyboardModifier.NoModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier

# Places named by where they are on the drawings (in the SVG's own units), with the
# region and the patient's side they must give. The front and the face are seen from
# in front (the patient's right on the viewer's left), the back from behind and the
# scalp from above with the face up (the patient's left on the viewer's left).
PLACES: list[tuple[str, tuple[float, float], str, Side]] = [
    ("body_front", (180, 322), "periumbilical", Side.MIDLINE),
    ("body_front", (128, 500), "thigh_outer", Side.RIGHT),
    ("body_front", (232, 500), "thigh_outer", Side.LEFT),
    ("body_front", (169, 540), "thigh_inner", Side.RIGHT),
    ("body_front", (180, 185), "decollete", Side.MIDLINE),
    ("body_front", (268, 362), "forearm", Side.LEFT),
    ("body_front", (180, 60), "other", Side.MIDLINE),
    ("body_back", (150, 445), "buttock", Side.LEFT),
    ("body_back", (206, 720), "calf", Side.RIGHT),
    ("body_back", (180, 135), "nape", Side.MIDLINE),
    ("body_back", (97, 308), "elbow", Side.LEFT),
    ("face", (132, 272), "cheek", Side.RIGHT),
    ("face", (200, 312), "lips", Side.MIDLINE),
    ("face", (200, 120), "forehead", Side.MIDLINE),
    ("face", (200, 235), "face_full", Side.MIDLINE),
    ("face", (280, 196), "crows_feet", Side.LEFT),
    ("face", (200, 445), "neck_anterior", Side.MIDLINE),
    ("scalp", (200, 260), "scalp_vertex", Side.MIDLINE),
    ("scalp", (102, 262), "scalp_parietal", Side.LEFT),
    ("scalp", (200, 120), "scalp_frontal", Side.MIDLINE),
    ("scalp", (200, 375), "scalp_occipital", Side.MIDLINE),
]
FRONT_LEFT_THIGH = QPointF(232, 500)  # the patient's left outer thigh, on the front
FRONT_RIGHT_THIGH = QPointF(128, 500)
BACK_LEFT_BUTTOCK = QPointF(150, 445)


def on_screen(view: BodyMapView, at: QPointF) -> QPoint:
    """Where a diagram position is in the view's viewport, at the present zoom."""
    return view.mapFromScene(at)


def click_at(
    qtbot: QtBot,
    view: BodyMapView,
    at: QPointF,
    modifier: Qt.KeyboardModifier = NO_MODIFIER,
    button: Qt.MouseButton = Qt.MouseButton.LeftButton,
) -> None:
    qtbot.mouseClick(view.viewport(), button, modifier, on_screen(view, at))


def drag(qtbot: QtBot, view: BodyMapView, start: QPointF, end: QPointF) -> None:
    """Press on ``start``, move in steps to ``end`` and let go, as a hand would."""
    viewport = view.viewport()
    a, b = on_screen(view, start), on_screen(view, end)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, NO_MODIFIER, a)
    for step in range(1, 6):
        qtbot.mouseMove(viewport, a + (b - a) * step / 5)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, NO_MODIFIER, b)


def wheel(view: BodyMapView, at: QPointF, notches: int) -> None:
    position = QPointF(on_screen(view, at))
    event = QWheelEvent(
        position,
        QPointF(view.viewport().mapToGlobal(position.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        NO_MODIFIER,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view.viewport(), event)
