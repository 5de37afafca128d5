"""Today's measurements: the course's metrics first, Hexsel CSS as its five items."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mesodesk.core.enums import Scale
from mesodesk.core.services.catalogue import MetricInfo
from mesodesk.core.services.measurements import CSS_ITEMS, CSS_TOTAL, MeasurementData
from mesodesk.ui.session_editor.rows import RowTable
from mesodesk.ui.session_editor.widgets import choice_box, value_of

COMPUTED = (CSS_TOTAL, "bmi")


class HexselGroup(QGroupBox):
    """The five Hexsel items (0–3 each) and the total computed as they are typed."""

    def __init__(self, metrics: dict[str, MetricInfo], parent: QWidget | None = None) -> None:
        super().__init__("Hexsel Cellulite Severity Scale", parent)
        self._total_metric = metrics.get(CSS_TOTAL)
        self.items: dict[str, QSpinBox] = {}
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        for code in CSS_ITEMS:
            box = QSpinBox()
            box.setRange(-1, 3)
            box.setSpecialValueText("not rated")
            box.setValue(-1)
            box.setMinimumWidth(120)
            box.valueChanged.connect(self._on_item_changed)
            self.items[code] = box
            label = metrics[code].name if code in metrics else code
            form.addRow(label, box)
        self.total = QLabel("Total: —")
        self.total.setObjectName("cssTotal")
        form.addRow(self.total)

    def _on_item_changed(self) -> None:
        values = [box.value() for box in self.items.values()]
        if all(v >= 0 for v in values):
            total = sum(values)
            band = self._total_metric.band(total) if self._total_metric else None
            self.total.setText(f"Total: {total} / 15" + (f" ({band})" if band else ""))
        elif any(v >= 0 for v in values):
            self.total.setText("Total: rate all five items")
        else:
            self.total.setText("Total: —")

    def data(self) -> list[MeasurementData]:
        return [
            MeasurementData(code, box.value())
            for code, box in self.items.items()
            if box.value() >= 0
        ]


class MeasurementRows(RowTable):
    HEADERS = ("Measure", "Site (landmark)", "Value")
    STRETCH = 1
    ADD_TEXT = "Add measurement"

    def __init__(self, metrics: list[MetricInfo], parent: QWidget | None = None) -> None:
        self._metrics = {m.code: m for m in metrics}
        self._items = [
            (f"{m.name} ({m.unit})" if m.unit else m.name, m.code)
            for m in metrics
            if m.code not in CSS_ITEMS and m.code not in COMPUTED
        ]
        super().__init__(parent)

    def make_row(self) -> list[QWidget]:
        metric = choice_box(self._items, searchable=True, placeholder="Type a measure")
        metric.setMinimumContentsLength(28)
        site = QLineEdit()
        site.setPlaceholderText("e.g. left thigh, 15 cm above the patella")
        value = QDoubleSpinBox()
        value.setRange(-1e6, 1e6)
        metric.currentIndexChanged.connect(lambda _i, m=metric, v=value: self._fit_value(m, v))
        for signal in (metric.currentIndexChanged, site.textChanged, value.valueChanged):
            signal.connect(self.changed)
        return [metric, site, value]

    def _fit_value(self, metric_box: QComboBox, value: QDoubleSpinBox) -> None:
        metric = self._metrics.get(value_of(metric_box) or "")
        if metric is None:
            return
        whole = metric.scale != Scale.CONTINUOUS
        value.setDecimals(0 if whole else metric.decimals)
        value.setRange(metric.min_value, metric.max_value)
        value.setSuffix(f" {metric.unit}" if metric.unit else "")

    def data(self) -> list[MeasurementData]:
        found = []
        for row in range(self.table.rowCount()):
            metric_box, site, value = (self.cell(row, c) for c in range(3))
            assert isinstance(metric_box, QComboBox) and isinstance(site, QLineEdit)
            assert isinstance(value, QDoubleSpinBox)
            code = value_of(metric_box)
            if code is not None:
                found.append(MeasurementData(code, value.value(), site.text()))
        return found

    def incomplete_rows(self) -> int:
        return self.table.rowCount() - len(self.data())


class MeasurementsPanel(QWidget):
    """What was measured today; BMI and the CSS total are computed by the record."""

    def __init__(
        self, metrics: list[MetricInfo], indication: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        by_code = {m.code: m for m in metrics}
        self.rows = MeasurementRows(metrics)
        self.hexsel = HexselGroup(by_code)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.rows)
        layout.addWidget(self.hexsel)
        self.hexsel.setVisible(indication == "cellulite")
        note = QLabel(
            "BMI is computed from weight and the latest height; the CSS total from its five items."
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        layout.addWidget(note)

    def data(self) -> tuple[MeasurementData, ...]:
        return (*self.rows.data(), *self.hexsel.data())
