"""SVG path data (the ``d`` attribute) read into a QPainterPath, for hit-testing regions.

QtSvg draws a diagram but keeps its shapes to itself, so the region outlines are read
here from the same file. The diagrams use absolute or relative moves, lines and Bézier
curves (M L H V C S Q T Z); elliptical arcs are refused, so that a drawing tool's arcs
are noticed instead of silently giving a wrong outline.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPainterPath

_TOKEN = re.compile(r"[MmLlHhVvCcSsQqTtZzAa]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_ARGS = {"M": 2, "L": 2, "H": 1, "V": 1, "C": 6, "S": 4, "Q": 4, "T": 2, "Z": 0}


def parse_path(data: str) -> QPainterPath:
    """The outline that SVG path data ``data`` describes."""
    tokens = _TOKEN.findall(data)
    if not tokens or tokens[0] not in "Mm":
        raise ValueError("path data must start with a move (M)")
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.WindingFill)
    current = QPointF(0, 0)
    start = QPointF(0, 0)
    # S and T mirror the previous curve's last control point, if that curve was of their kind.
    last_cubic: QPointF | None = None
    last_quad: QPointF | None = None
    command = ""
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.isalpha():
            command = token
            index += 1
            if command.upper() == "A":
                raise ValueError("elliptical arcs (A) are not supported: draw curves (C)")
            if command in "Zz":
                path.closeSubpath()
                current, last_cubic, last_quad = QPointF(start), None, None
                continue
        elif not command or command in "Zz":
            raise ValueError(f"number {token} without a command")
        count = _ARGS[command.upper()]
        numbers = [float(t) for t in tokens[index : index + count]]
        if len(numbers) < count or any(t.isalpha() for t in tokens[index : index + count]):
            raise ValueError(f"command {command} needs {count} numbers")
        index += count
        relative = command.islower()
        upper = command.upper()
        origin = current if relative else QPointF(0, 0)
        # The command's points (pairs of numbers), from where the command starts if relative.
        pairs = [
            QPointF(origin.x() + numbers[i], origin.y() + numbers[i + 1])
            for i in range(0, count - 1, 2)
        ]
        if upper == "M":
            current = start = pairs[0]
            path.moveTo(current)
            command = "l" if relative else "L"  # further pairs are lines
            last_cubic = last_quad = None
        elif upper in "LHV":
            if upper == "H":
                current = QPointF(origin.x() + numbers[0], current.y())
            elif upper == "V":
                current = QPointF(current.x(), origin.y() + numbers[0])
            else:
                current = pairs[0]
            path.lineTo(current)
            last_cubic = last_quad = None
        elif upper in "CS":
            c1 = pairs[0] if upper == "C" else _reflect(last_cubic, current)
            c2, end = pairs[-2], pairs[-1]
            path.cubicTo(c1, c2, end)
            current, last_cubic, last_quad = end, c2, None
        else:  # Q and T
            control = pairs[0] if upper == "Q" else _reflect(last_quad, current)
            end = pairs[-1]
            path.quadTo(control, end)
            current, last_cubic, last_quad = end, None, control
    return path


def _reflect(control: QPointF | None, about: QPointF) -> QPointF:
    """The previous control point mirrored through the current point (S and T)."""
    if control is None:
        return QPointF(about)
    return QPointF(2 * about.x() - control.x(), 2 * about.y() - control.y())
