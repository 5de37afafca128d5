"""Catalogue › Recall a lot…: every patient and session that received a lot.

When a manufacturer recalls a lot, the practitioner types its number and sees whom to
call (with their phone and e-mail), when they were treated, where and how much; the list
is saved as CSV for the letters. Double-clicking a row opens the patient.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mesodesk.core.db import Database
from mesodesk.core.errors import KnownError
from mesodesk.core.exchange.files import safe_filename
from mesodesk.core.exchange.recall_export import write_recall_csv
from mesodesk.core.services.catalogue import find_lots, lots
from mesodesk.core.services.recall import RecallRow, recall_lot
from mesodesk.ui import messages
from mesodesk.ui.exchange import paths
from mesodesk.ui.record.tables import fill, read_only_table, selected_key

HEADERS = (
    "Session date",
    "File no.",
    "Patient",
    "Phone",
    "E-mail",
    "Product",
    "Lot",
    "Expiry",
    "Volume",
    "Areas",
)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


class RecallWindow(QDialog):
    patient_requested = Signal(int)

    def __init__(
        self, database: Database, lot_number: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.rows: list[RecallRow] = []
        self.setWindowTitle("Recall a lot")
        self.lot = QLineEdit(self)
        self.lot.setPlaceholderText("Lot number, as printed on the vial")
        self.lot.setClearButtonEnabled(True)
        numbers = sorted({view.lot_number for view in lots(database)}, key=str.casefold)
        completer = QCompleter(numbers, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.lot.setCompleter(completer)
        self.find_button = QPushButton("Find", self)
        self.find_button.setDefault(True)
        self.summary = QLabel("Type a lot number and press Find.", self)
        self.summary.setWordWrap(True)
        self.table = read_only_table(HEADERS, stretch=len(HEADERS) - 1)
        self.export_button = QPushButton("Save as CSV…", self)
        self.export_button.setEnabled(False)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)

        search = QHBoxLayout()
        search.addWidget(QLabel("Lot:", self))
        search.addWidget(self.lot, 1)
        search.addWidget(self.find_button)
        layout = QVBoxLayout(self)
        layout.addLayout(search)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(close)

        self.find_button.clicked.connect(self.search)
        self.lot.returnPressed.connect(self.search)
        self.export_button.clicked.connect(self.save_csv)
        self.table.doubleClicked.connect(self._open_patient)
        close.rejected.connect(self.reject)
        self.resize(1320, 560)
        if lot_number:
            self.lot.setText(lot_number)
            self.search()

    def search(self) -> None:
        number = self.lot.text().strip()
        if not number:
            self.summary.setText("Type a lot number first.")
            return
        found = find_lots(self.database, number)
        self.rows = recall_lot(self.database, number) if found else []
        fill(
            self.table,
            [
                (
                    row.session_date.strftime("%d %b %Y"),
                    row.file_number,
                    row.patient_name,
                    row.phone,
                    row.email,
                    row.product,
                    row.lot_number,
                    row.expiry_date.strftime("%d %b %Y"),
                    f"{row.volume_ml:g} mL",
                    row.areas,
                )
                for row in self.rows
            ],
            keys=[row.patient_id for row in self.rows],
        )
        for r, row in enumerate(self.rows):  # the areas in full when the column is narrow
            if (item := self.table.item(r, len(HEADERS) - 1)) is not None:
                item.setToolTip(row.areas)
        self.export_button.setEnabled(bool(self.rows))
        if not found:
            self.summary.setText(f"There is no lot {number} in the catalogue.")
        elif not self.rows:
            products = ", ".join(sorted({view.product_name for view in found}))
            self.summary.setText(f"Lot {number} ({products}) was not used in any session.")
        else:
            patients = len({row.patient_id for row in self.rows})
            self.summary.setText(
                f"Lot {self.rows[0].lot_number}: {_count(len(self.rows), 'session')}, "
                f"{_count(patients, 'patient')} to contact."
            )

    def save_csv(self) -> None:
        number = self.lot.text().strip()
        out = paths.choose_save_path(
            self, "Save the recall list", safe_filename(f"Recall lot {number}") + ".csv",
            "CSV files (*.csv)",
        )  # fmt: skip
        if out is None:
            return
        try:
            write_recall_csv(self.rows, out)
        except KnownError as error:
            messages.show_error(self, "Not saved", error.message)
            return
        messages.show_info(self, "Saved", f"The recall list was written to {out}.")

    def _open_patient(self) -> None:
        key = selected_key(self.table)
        if isinstance(key, int):
            self.patient_requested.emit(key)
