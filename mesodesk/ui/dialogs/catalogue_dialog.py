"""Products and lots: the shelf, as the boxes say it."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mesodesk.core.db import Database
from mesodesk.core.enums import ConcentrationUnit
from mesodesk.core.errors import MesodeskError, ValidationError
from mesodesk.core.services import catalogue
from mesodesk.core.services.catalogue import IngredientAmount, LotData, ProductData, ProductView
from mesodesk.ui import messages
from mesodesk.ui.forms import (
    ErrorLine,
    date_edit,
    float_value,
    from_qdate,
    int_value,
    optional_float,
    optional_int,
    set_optional,
)
from mesodesk.ui.session_editor.widgets import choice_box, value_of


class CatalogueDialog(QDialog):
    """The products on the shelf with their ingredients and limits, and their lots."""

    saved = Signal(int)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("Products and lots")
        self.product_id: int | None = None
        self.products = QListWidget()
        self.new_button = QPushButton("New product")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(QLabel("<b>Products</b>"))
        left_layout.addWidget(self.products)
        left_layout.addWidget(self.new_button)

        self.name = QLineEdit()
        self.manufacturer = QLineEdit()
        self.form_kind = QLineEdit("solution")
        self.ingredients = QTableWidget(0, 3)
        self.ingredients.setHorizontalHeaderLabels(["Ingredient", "Concentration", "Unit"])
        self.ingredients.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.ingredients.verticalHeader().setVisible(False)
        self.ingredients.setMinimumHeight(120)
        self.add_ingredient = QPushButton("Add ingredient")
        self.remove_ingredient = QPushButton("Remove ingredient")
        self.max_point = optional_float(0.01, 10, 2, " mL")
        self.max_sitting = optional_float(0.1, 100, 1, " mL")
        self.min_days = optional_int(0, 365, " days")
        self.notes = QLineEdit()
        self.save_product = QPushButton("Save product")
        self.product_error = ErrorLine()
        product_box = QGroupBox("Product")
        form = QFormLayout(product_box)
        form.addRow("Name", self.name)
        form.addRow("Manufacturer", self.manufacturer)
        form.addRow("Form", self.form_kind)
        form.addRow("Ingredients", self.ingredients)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_ingredient)
        buttons.addWidget(self.remove_ingredient)
        buttons.addStretch(1)
        form.addRow("", buttons)
        form.addRow("Maximum per point", self.max_point)
        form.addRow("Maximum per sitting", self.max_sitting)
        form.addRow("Minimum days between sessions", self.min_days)
        form.addRow("Notes", self.notes)
        form.addRow(self.product_error)
        form.addRow("", self.save_product)

        self.lots = QTableWidget(0, 4)
        self.lots.setHorizontalHeaderLabels(["Lot", "Expiry", "Received", "Status"])
        self.lots.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.lots.verticalHeader().setVisible(False)
        self.lots.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.lot_number = QLineEdit()
        self.lot_number.setPlaceholderText("lot number on the box")
        self.lot_expiry = date_edit(dt.date.today() + dt.timedelta(days=365))
        self.lot_received = date_edit(dt.date.today())
        self.add_lot_button = QPushButton("Add lot")
        self.lot_error = ErrorLine()
        lots_box = QGroupBox("Lots")
        lots_layout = QVBoxLayout(lots_box)
        lots_layout.addWidget(self.lots)
        row = QHBoxLayout()
        row.addWidget(QLabel("Lot"))
        row.addWidget(self.lot_number)
        row.addWidget(QLabel("expires"))
        row.addWidget(self.lot_expiry)
        row.addWidget(QLabel("received"))
        row.addWidget(self.lot_received)
        row.addWidget(self.add_lot_button)
        lots_layout.addLayout(row)
        lots_layout.addWidget(self.lot_error)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(product_box)
        right_layout.addWidget(lots_box)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([280, 820])
        close = QPushButton("Close")
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        footer = QHBoxLayout()
        footer.addStretch(1)
        footer.addWidget(close)
        layout.addLayout(footer)

        self._ingredient_items = [(i.name, i.name) for i in catalogue.ingredients(db)]
        self.products.currentItemChanged.connect(self._on_product_chosen)
        self.new_button.clicked.connect(self.new_product)
        self.add_ingredient.clicked.connect(self._on_add_ingredient_clicked)
        self.remove_ingredient.clicked.connect(self._remove_ingredient_row)
        self.save_product.clicked.connect(self._on_save_product)
        self.add_lot_button.clicked.connect(self._on_add_lot)
        close.clicked.connect(self.accept)
        self.resize(1120, 720)
        self._reload()
        if self.products.count():
            self.products.setCurrentRow(0)
        else:
            self.new_product()

    # --- products -------------------------------------------------------------------
    def _reload(self, select: int | None = None) -> None:
        self._views = {p.id: p for p in catalogue.products(self.db, include_inactive=True)}
        today = dt.date.today()
        self.products.blockSignals(True)
        self.products.clear()
        for view in self._views.values():
            usable = sum(not lot.expired_on(today) for lot in view.lots)
            item = QListWidgetItem(
                f"{view.name}\n{view.manufacturer or '—'} · {usable} usable "
                f"lot{'s' if usable != 1 else ''}"
            )
            item.setData(Qt.ItemDataRole.UserRole, view.id)
            self.products.addItem(item)
            if view.id == select:
                self.products.setCurrentItem(item)
        self.products.blockSignals(False)

    def new_product(self) -> None:
        self.products.clearSelection()
        self.product_id = None
        self._show(None)
        self.name.setFocus()

    def _on_product_chosen(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        self.product_id = item.data(Qt.ItemDataRole.UserRole)
        self._show(self._views[self.product_id])

    def _show(self, view: ProductView | None) -> None:
        self.name.setText(view.name if view else "")
        self.manufacturer.setText(view.manufacturer if view else "")
        self.form_kind.setText(view.form if view else "solution")
        self.ingredients.setRowCount(0)
        for amount in view.ingredients if view else ():
            self._add_ingredient_row(amount)
        set_optional(self.max_point, view.max_ml_per_point if view else None)
        set_optional(self.max_sitting, view.max_ml_per_sitting if view else None)
        set_optional(self.min_days, view.min_days_between if view else None)
        self.notes.setText(view.notes if view else "")
        self.product_error.clear_message()
        self.lot_error.clear_message()
        self._show_lots(view)
        self.add_lot_button.setEnabled(view is not None)

    def _add_ingredient_row(self, amount: IngredientAmount | None = None) -> None:
        row = self.ingredients.rowCount()
        self.ingredients.insertRow(row)
        name = choice_box(self._ingredient_items, searchable=True, placeholder="Type an ingredient")
        concentration = QDoubleSpinBox()
        concentration.setRange(0, 1000)
        concentration.setDecimals(3)
        unit = QComboBox()
        for u in ConcentrationUnit:
            unit.addItem(u.value, u)
        if amount is not None:
            name.setCurrentIndex(name.findData(amount.ingredient))
            concentration.setValue(amount.concentration or 0)
            unit.setCurrentIndex(unit.findData(amount.unit))
        self.ingredients.setCellWidget(row, 0, name)
        self.ingredients.setCellWidget(row, 1, concentration)
        self.ingredients.setCellWidget(row, 2, unit)

    def _on_add_ingredient_clicked(self) -> None:
        self._add_ingredient_row()

    def _remove_ingredient_row(self) -> None:
        row = self.ingredients.currentRow()
        self.ingredients.removeRow(row if row >= 0 else self.ingredients.rowCount() - 1)

    def product_data(self) -> ProductData:
        amounts = []
        for row in range(self.ingredients.rowCount()):
            name = self.ingredients.cellWidget(row, 0)
            concentration = self.ingredients.cellWidget(row, 1)
            unit = self.ingredients.cellWidget(row, 2)
            assert isinstance(name, QComboBox) and isinstance(concentration, QDoubleSpinBox)
            assert isinstance(unit, QComboBox)
            chosen = value_of(name) or name.currentText().strip()
            if not chosen:
                raise ValidationError(f"Ingredient {row + 1}", "choose an ingredient or remove it")
            amounts.append(
                IngredientAmount(chosen, concentration.value() or None, unit.currentData())
            )
        return ProductData(
            name=self.name.text(),
            manufacturer=self.manufacturer.text(),
            form=self.form_kind.text(),
            ingredients=tuple(amounts),
            max_ml_per_point=float_value(self.max_point),
            max_ml_per_sitting=float_value(self.max_sitting),
            min_days_between=int_value(self.min_days),
            notes=self.notes.text(),
        )

    def _on_save_product(self) -> None:
        try:
            data = self.product_data()
            if self.product_id is None:
                self.product_id = catalogue.add_product(self.db, data)
            else:
                catalogue.update_product(self.db, self.product_id, data)
        except MesodeskError as error:
            self.product_error.show_message(messages.explain(error)[1])
            return
        self._reload(select=self.product_id)
        self._show(self._views[self.product_id])
        self.saved.emit(self.product_id)

    # --- lots -----------------------------------------------------------------------
    def _show_lots(self, view: ProductView | None) -> None:
        today = dt.date.today()
        lots = view.lots if view else ()
        self.lots.setRowCount(len(lots))
        for row, lot in enumerate(sorted(lots, key=lambda x: x.expiry_date, reverse=True)):
            days = lot.days_left(today)
            if days < 0:
                status, colour = f"expired {-days} days ago — not usable", "#b00020"
            elif days <= 30:
                status, colour = f"expires in {days} days", "#a15c00"
            else:
                status, colour = "usable", "#1b5e20"
            cells = [
                lot.lot_number,
                lot.expiry_date.isoformat(),
                lot.received_on.isoformat() if lot.received_on else "—",
                status,
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 3:
                    item.setForeground(QColor(colour))
                self.lots.setItem(row, column, item)
        self.lots.resizeColumnsToContents()

    def _on_add_lot(self) -> None:
        if self.product_id is None:
            return
        try:
            added = catalogue.add_lot(
                self.db,
                self.product_id,
                LotData(
                    self.lot_number.text(),
                    from_qdate(self.lot_expiry.date()),
                    from_qdate(self.lot_received.date()),
                ),
            )
        except MesodeskError as error:
            self.lot_error.show_message(messages.explain(error)[1])
            return
        self.last_lot_message = added.message
        if added.expired:
            messages.show_error(self, "Expired lot", added.message)
        elif added.expiring_soon:
            messages.show_info(self, "Lot expiring soon", added.message)
        self.lot_number.clear()
        self._reload(select=self.product_id)
        self._show(self._views[self.product_id])
        self.saved.emit(self.product_id)
