"""What the body map draws over a diagram: region overlays, injection dots, warning marks."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsSceneHoverEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from mesodesk.ui.bodymap.diagram import RegionShape

TREATED = QColor(0, 137, 123, 70)  # an area of this session
CHOSEN = QColor(21, 101, 192, 110)  # the area being edited, or the region clicked
CHOSEN_LINE = QColor(13, 71, 161)
HOVER = QColor(21, 101, 192, 40)
HOVER_LINE = QColor(21, 101, 192, 180)
WARNING = QColor(198, 40, 40)
DOT = QColor(21, 101, 192)
DOT_OTHER = QColor(110, 110, 110)


def _pen(colour: QColor, width: float, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(colour, width, style)
    pen.setCosmetic(True)  # the same width at every zoom
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


class RegionItem(QGraphicsPathItem):
    """A region shape laid over the drawing: clear until hovered, treated, chosen or shaded."""

    def __init__(self, shape: RegionShape, label: str) -> None:
        super().__init__(shape.path)
        self.region_shape = shape
        self.label = label
        self.treated = False
        self.chosen = False
        self.shade: QColor | None = None
        self.flagged = False
        self.hovered = False
        self.on_hover: Callable[[RegionItem | None], None] | None = None
        self._look: tuple[object, ...] | None = None
        self._tip = label
        self.setAcceptHoverEvents(True)
        self.setToolTip(label)
        self.restyle()

    def set_tip(self, extra: str | None) -> None:
        """The region's name, and a line about it (sessions, side effects) when given."""
        tip = self.label + (f"\n{extra}" if extra else "")
        if tip != self._tip:
            self._tip = tip
            self.setToolTip(tip)

    def restyle(self) -> None:
        # Only when the look changes: a restyle per table edit would redo every region.
        look = (self.treated, self.chosen, self.shade, self.flagged, self.hovered)
        if look == self._look:
            return
        self._look = look
        brush: QBrush | Qt.BrushStyle = Qt.BrushStyle.NoBrush
        pen: QPen | Qt.PenStyle = Qt.PenStyle.NoPen
        if self.shade is not None:
            brush, pen = QBrush(self.shade), _pen(self.shade.darker(160), 1)
        if self.treated:
            brush = QBrush(TREATED)
        if self.chosen:
            brush, pen = QBrush(CHOSEN), _pen(CHOSEN_LINE, 2)
        if self.hovered and not self.chosen:
            if self.shade is None and not self.treated:
                brush = QBrush(HOVER)
            pen = _pen(HOVER_LINE, 1.5)
        if self.flagged:
            pen = _pen(WARNING, 2.5)
        self.setBrush(brush)
        self.setPen(pen)

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self._set_hovered(True)
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self._set_hovered(False)
        super().hoverLeaveEvent(event)

    def _set_hovered(self, hovered: bool) -> None:
        self.hovered = hovered
        self.restyle()
        if self.on_hover is not None:
            self.on_hover(self if hovered else None)


class DotItem(QGraphicsItem):
    """An injection point: a dot of the same size at every zoom, kept inside its area."""

    RADIUS = 4.5

    def __init__(self, key: int, allowed: QPainterPath, position: QPointF, current: bool) -> None:
        super().__init__()
        self.key = key
        self.allowed = allowed
        self.current = current
        self.setPos(position)
        self.setZValue(1000 if current else 900)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges)
        self.setCursor(Qt.CursorShape.SizeAllCursor)

    def set_editable(self, editable: bool) -> None:
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, editable)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, editable)
        self.setToolTip(
            "Injection point: drag to move; right-click or Delete removes it" if editable else ""
        )

    def boundingRect(self) -> QRectF:
        reach = self.RADIUS + 4
        return QRectF(-reach, -reach, 2 * reach, 2 * reach)

    def shape(self) -> QPainterPath:
        # A little larger than the dot, so a dot is easy to grab with a mouse or a pen.
        path = QPainterPath()
        path.addEllipse(self.boundingRect())
        return path

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: object) -> object:
        if (
            change == QGraphicsItem.GraphicsItemChange.ItemPositionChange
            and isinstance(value, QPointF)
            and not self.allowed.contains(value)
        ):
            return self.pos()  # a point stays on its region
        return super().itemChange(change, value)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = self.RADIUS if self.current else self.RADIUS - 1
        painter.setPen(QPen(QColor("white"), 1.5))
        painter.setBrush(DOT if self.current else DOT_OTHER)
        painter.drawEllipse(QPointF(0, 0), r, r)
        if self.isSelected():
            painter.setPen(QPen(WARNING, 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(QPointF(0, 0), r + 3, r + 3)


class WarningMark(QGraphicsItem):
    """A red “!” on a region where a side effect was reported."""

    SIZE = 16

    def __init__(self, position: QPointF, tip: str) -> None:
        super().__init__()
        self.setPos(position)
        self.setZValue(2000)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setToolTip(tip)

    def boundingRect(self) -> QRectF:
        half = self.SIZE / 2 + 1
        return QRectF(-half, -half, 2 * half, 2 * half)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        half = self.SIZE / 2
        painter.setPen(QPen(QColor("white"), 1.5))
        painter.setBrush(WARNING)
        painter.drawEllipse(QPointF(0, 0), half, half)
        font = painter.font()
        font.setBold(True)
        font.setPixelSize(int(self.SIZE * 0.75))
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(
            QRectF(-half, -half, self.SIZE, self.SIZE), Qt.AlignmentFlag.AlignCenter, "!"
        )


def inside_point(path: QPainterPath) -> QPointF:
    """A point well inside ``path`` (its centre when that lies inside), for a mark."""
    box = path.boundingRect()
    centre = box.center()
    if path.contains(centre):
        return centre
    best, steps = centre, 12
    for i in range(1, steps):
        for j in range(1, steps):
            candidate = QPointF(
                box.left() + box.width() * i / steps, box.top() + box.height() * j / steps
            )
            if path.contains(candidate):
                distance = (candidate - centre).manhattanLength()
                if best == centre or distance < (best - centre).manhattanLength():
                    best = candidate
    return best
