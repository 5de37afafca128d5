"""File › Import patients from a spreadsheet…: a practitioner's own list becomes patients.

One dialog, two pages. First: the file (CSV or XLSX, and the sheet of a workbook), which
column holds which field (guessed from the column names, each changeable), and the rows
as mesodesk will read them, the refused ones in red with their reason, all updated as
the columns are chosen. Import adds the good rows (off the GUI thread, with a progress
dialog that can cancel). Then: how many were imported, the rows that were not and why,
and a button to save those rows as CSV to correct and import again.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mesodesk.core.db import Database
from mesodesk.core.errors import MesodeskError, ValidationError
from mesodesk.core.exchange.patient_sheet import (
    ADDRESS_PARTS,
    Cell,
    ColumnMapping,
    PatientField,
    Sheet,
    cell_text,
    column_letters,
    guess_mapping,
    read_sheet,
    sheet_names,
)
from mesodesk.core.exchange.patient_sheet_import import (
    ImportPlan,
    ImportSummary,
    PlannedRow,
    import_patients,
    plan_import,
    save_rejections,
)
from mesodesk.core.exchange.progress import Progress
from mesodesk.ui.exchange import paths
from mesodesk.ui.exchange.jobs import Job
from mesodesk.ui.forms import ErrorLine
from mesodesk.ui.record.tables import RED, fill, read_only_table

SHEET_FILTER = "Spreadsheets (*.csv *.xlsx *.xlsm *.txt *.tsv);;All files (*)"
NOT_IN_SHEET = "(not in the sheet)"
PREVIEW_ROWS = 200  # enough to judge the reading; the counts cover every row
WIDEST_VALUE, WIDEST_REASON = 200, 320  # pixels; longer text is cut short with "…"
SHOWN_FIELDS = (
    PatientField.FILE_NUMBER,
    PatientField.FAMILY_NAME,
    PatientField.GIVEN_NAMES,
    PatientField.DATE_OF_BIRTH,
    PatientField.SEX,
    PatientField.PHONE,
    PatientField.EMAIL,
    PatientField.ADDRESS,
    PatientField.NOTES,
)


def _plain_label(text: str = "") -> QLabel:
    """A label that shows file names and cell text as typed, never as HTML."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


def _one_line(text: str) -> str:
    return " · ".join(part.strip() for part in text.splitlines() if part.strip())


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class PatientImportDialog(QDialog):
    """Import patients from a CSV or XLSX file. ``imported`` carries the summary."""

    imported = Signal(object)  # ImportSummary

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import patients from a spreadsheet")
        self.db = db
        self.sheet: Sheet | None = None
        self.plan: ImportPlan | None = None
        self.summary: ImportSummary | None = None
        self.job: Job | None = None
        self.combos: dict[PatientField, QComboBox] = {}

        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("Type the path of a CSV or XLSX file, or choose it")
        self.choose_button = QPushButton("Choose…")
        self.sheet_label = QLabel("Sheet")
        self.sheet_choice = QComboBox()
        self.file_info = _plain_label()
        self.mapping_table = self._mapping_table()
        self.counts = _plain_label()
        self.only_refused = QCheckBox("Only the refused rows")
        self.preview = read_only_table(["Row", "Refused because", *(f.label for f in SHOWN_FIELDS)])
        self.row_detail = _plain_label()
        self.error_line = ErrorLine()
        self.error_line.setTextFormat(Qt.TextFormat.PlainText)
        self.import_button = QPushButton("Import")
        self.import_button.setDefault(True)
        self.close_button = QPushButton("Cancel")

        self.result_title = _plain_label()
        title_font = self.result_title.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.3)
        title_font.setBold(True)
        self.result_title.setFont(title_font)
        self.result_note = _plain_label()
        self.rejected_table = read_only_table(["Row", "Patient", "Not imported because"], stretch=2)
        self.save_button = QPushButton("Save the refused rows as CSV…")
        self.saved_label = _plain_label()

        self.pages = QStackedWidget()
        self.setup_page = self._setup_page()
        self.result_page = self._result_page()
        self.pages.addWidget(self.setup_page)
        self.pages.addWidget(self.result_page)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.error_line)
        layout.addLayout(buttons)

        self.choose_button.clicked.connect(self._on_choose)
        self.path_edit.returnPressed.connect(self._on_path_entered)
        self.sheet_choice.activated.connect(self._on_sheet_chosen)
        self.only_refused.toggled.connect(self._show_preview)
        self.preview.itemSelectionChanged.connect(self._on_preview_selection)
        self.import_button.clicked.connect(self._on_import)
        self.close_button.clicked.connect(self.reject)
        self.save_button.clicked.connect(self._on_save_refused)
        self._forget_sheet()
        self.resize(1180, 660)

    # --- building -------------------------------------------------------------------

    def _mapping_table(self) -> QTableWidget:
        table = QTableWidget(len(PatientField), 3)
        table.setHorizontalHeaderLabels(["mesodesk field", "Column of the sheet", "First row"])
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for row, field in enumerate(PatientField):
            name = QTableWidgetItem(f"{field.label} *" if field.required else field.label)
            if field.required:
                font = QFont(name.font())
                font.setBold(True)
                name.setFont(font)
            table.setItem(row, 0, name)
            combo = QComboBox()
            combo.setObjectName(f"column_of_{field.value}")
            combo.activated.connect(self._on_mapping_changed)
            self.combos[field] = combo
            table.setCellWidget(row, 1, combo)
            table.setItem(row, 2, QTableWidgetItem(""))
        return table

    def _setup_page(self) -> QWidget:
        file_row = QHBoxLayout()
        file_row.addWidget(QLabel("File"))
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.choose_button)
        file_row.addSpacing(12)
        file_row.addWidget(self.sheet_label)
        file_row.addWidget(self.sheet_choice)

        columns = QGroupBox("Which column holds what")
        columns_layout = QVBoxLayout(columns)
        columns_layout.addWidget(self.mapping_table)
        legend = _plain_label(
            "* needed for every patient. A row without a file number gets the next free one. "
            "Postcode and town are added to the address."
        )
        columns_layout.addWidget(legend)

        rows = QGroupBox("The rows as mesodesk will read them")
        rows_layout = QVBoxLayout(rows)
        counts_row = QHBoxLayout()
        counts_row.addWidget(self.counts, 1)
        counts_row.addWidget(self.only_refused)
        rows_layout.addLayout(counts_row)
        rows_layout.addWidget(self.preview)
        rows_layout.addWidget(self.row_detail)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(columns)
        splitter.addWidget(rows)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([430, 750])

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(file_row)
        layout.addWidget(self.file_info)
        layout.addWidget(splitter, 1)
        return page

    def _result_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.result_title)
        layout.addWidget(self.result_note)
        layout.addWidget(self.rejected_table, 1)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addWidget(self.saved_label, 1)
        layout.addLayout(save_row)
        return page

    # --- the file ---------------------------------------------------------------------

    def _on_choose(self) -> None:
        path = paths.choose_open_path(self, "Import patients from a spreadsheet", SHEET_FILTER)
        if path is not None:
            self.path_edit.setText(str(path))
            self.load(path)

    def _on_path_entered(self) -> None:
        text = self.path_edit.text().strip()
        if text:
            self.load(Path(text).expanduser())

    def _on_sheet_chosen(self, _index: int) -> None:
        if self.sheet is not None:
            self.load(self.sheet.path, self.sheet_choice.currentText())

    def load(self, path: Path, sheet_name: str | None = None) -> None:
        """Read ``path`` (a sheet of it for a workbook) and guess its columns."""
        self.error_line.clear_message()
        try:
            sheet = read_sheet(path, sheet_name)
            names = sheet_names(path)
        except MesodeskError as error:
            self._forget_sheet()
            self.error_line.show_message(error.message)
            return
        self.sheet = sheet
        self.sheet_choice.clear()
        self.sheet_choice.addItems(names)
        if sheet.sheet_name is not None:
            self.sheet_choice.setCurrentText(sheet.sheet_name)
        self.sheet_label.setVisible(len(names) > 1)
        self.sheet_choice.setVisible(len(names) > 1)
        self.file_info.setText(self._describe(sheet))
        self._fill_combos(sheet, guess_mapping(sheet.header))
        self._replan()

    def _describe(self, sheet: Sheet) -> str:
        rows = _plural(len(sheet.rows), "row")
        if sheet.encoding is None:
            return f"{rows} under the header row of the sheet {sheet.sheet_name}."
        separator = {";": "semicolons", ",": "commas", "\t": "tabs"}[sheet.delimiter or ","]
        return (
            f"{rows} under the header row; read as {sheet.encoding} text, "
            f"columns separated by {separator}."
        )

    def _forget_sheet(self) -> None:
        self.sheet = None
        self.plan = None
        self.sheet_label.hide()
        self.sheet_choice.hide()
        self.file_info.setText("Choose the file that holds your patients (CSV or XLSX).")
        for field, combo in self.combos.items():
            combo.clear()
            combo.setEnabled(False)
            self._first_value(field).setText("")
        self.counts.setText("")
        self.preview.setRowCount(0)
        self.row_detail.hide()
        self.import_button.setEnabled(False)

    # --- the columns --------------------------------------------------------------------

    def _fill_combos(self, sheet: Sheet, mapping: ColumnMapping) -> None:
        names = sheet.columns
        for field, combo in self.combos.items():
            combo.clear()
            combo.addItem(NOT_IN_SHEET, -1)
            for index, name in enumerate(names):
                shown = name if names.count(name) == 1 else f"{name} ({column_letters(index)})"
                combo.addItem(shown, index)
            combo.setCurrentIndex(combo.findData(mapping.get(field, -1)))
            combo.setEnabled(True)
        self._show_first_values()

    def mapping(self) -> ColumnMapping:
        """The columns as the combos say."""
        chosen = {field: combo.currentData() for field, combo in self.combos.items()}
        return {
            field: column
            for field, column in chosen.items()
            if isinstance(column, int) and column >= 0
        }

    def _first_value(self, field: PatientField) -> QTableWidgetItem:
        item = self.mapping_table.item(list(PatientField).index(field), 2)
        assert item is not None
        return item

    def _show_first_values(self) -> None:
        mapping = self.mapping()
        first = self.sheet.rows[0] if self.sheet and self.sheet.rows else None
        for field in PatientField:
            text = ""
            if first is not None and field in mapping:
                text = _one_line(cell_text(first.cell(mapping[field])))
            self._first_value(field).setText(text)

    def _on_mapping_changed(self, _index: int) -> None:
        self._show_first_values()
        self._replan()

    # --- the preview ----------------------------------------------------------------------

    def _replan(self) -> None:
        self.plan = None
        self.import_button.setEnabled(False)
        self.import_button.setText("Import")
        if self.sheet is None:
            return
        try:
            self.plan = plan_import(self.db, self.sheet, self.mapping())
        except ValidationError as error:
            self.counts.setText(f"{error.field}: {error.problem}.")
            self.counts.setStyleSheet(f"color: {RED.name()}; font-weight: 600;")
            self.preview.setRowCount(0)
            return
        except MesodeskError as error:
            self.error_line.show_message(error.message)
            return
        self.counts.setStyleSheet("")
        good, refused = len(self.plan.accepted), len(self.plan.rejections)
        self.counts.setText(
            f"{_plural(len(self.plan.rows), 'row')}: {good} to import, {refused} refused"
            + (" (in red)." if refused else ".")
        )
        self.import_button.setText(f"Import {_plural(good, 'patient')}")
        self.import_button.setEnabled(good > 0)
        self._show_preview()

    def _show_preview(self) -> None:
        if self.plan is None:
            self.preview.setRowCount(0)
            return
        rows = [r for r in self.plan.rows if r.patient is None or not self.only_refused.isChecked()]
        shown = rows[:PREVIEW_ROWS]
        fill(
            self.preview,
            [self._preview_cells(row) for row in shown],
            [row.row for row in shown],
            [None if row.patient is not None else RED for row in shown],
        )
        for index, row in enumerate(shown):
            reason = self.preview.item(index, 1)
            if reason is not None and row.reason:
                reason.setToolTip(row.reason)
            number = self.preview.item(index, 2)
            if number is not None and row.numbered:
                font = QFont(number.font())
                font.setItalic(True)
                number.setFont(font)
                number.setToolTip("Given by mesodesk: the row has no file number.")
        self.preview.resizeColumnsToContents()
        header = self.preview.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column in range(1, self.preview.columnCount()):
            widest = WIDEST_REASON if column == 1 else WIDEST_VALUE
            self.preview.setColumnWidth(column, min(self.preview.columnWidth(column), widest))
        self._on_preview_selection()

    def _on_preview_selection(self) -> None:
        """Say in full why the chosen row is refused: the column may cut the reason short."""
        row = self.preview.currentRow()
        reason = self.preview.item(row, 1) if row >= 0 else None
        if reason is None or not reason.text():
            self.row_detail.setText("Choose a row in red to read the whole reason.")
            self.row_detail.setVisible(self.plan is not None and bool(self.plan.rejections))
            return
        self.row_detail.setText(f"Row {self.preview.item(row, 0).text()}: {reason.text()}")  # type: ignore[union-attr]
        self.row_detail.show()

    def _preview_cells(self, row: PlannedRow) -> list[str]:
        """A row as mesodesk reads it; a refused row as the file holds it."""
        patient = row.patient
        if patient is not None:
            values = [
                patient.file_number,
                patient.family_name,
                patient.given_names,
                patient.date_of_birth.isoformat(),
                patient.sex.label,
                patient.phone,
                patient.email,
                patient.address,
                patient.notes,
            ]
        else:
            assert self.plan is not None
            mapping = self.plan.mapping

            def raw(field: PatientField) -> str:
                return cell_text(row.cell(mapping[field])) if field in mapping else ""

            values = [raw(f) for f in SHOWN_FIELDS]
            values[SHOWN_FIELDS.index(PatientField.ADDRESS)] = "\n".join(
                raw(f) for f in ADDRESS_PARTS if raw(f).strip()
            )
        return [str(row.row), row.reason, *(_one_line(value) for value in values)]

    # --- importing ----------------------------------------------------------------------

    def _on_import(self) -> None:
        if self.sheet is None or self.plan is None or not self.plan.accepted:
            return
        sheet, mapping = self.sheet, self.plan.mapping

        def work(progress: Progress) -> object:
            return import_patients(self.db, sheet, mapping, progress=progress)

        self.import_button.setEnabled(False)
        self.close_button.setEnabled(False)
        self.job = Job(
            self, "Importing patients", f"Adding the patients of {sheet.path.name}…", work
        )
        self.job.finished.connect(self._show_result)
        self.job.failed.connect(self._on_failed)
        self.job.done.connect(self._on_job_done)
        self.job.start()

    def _on_failed(self, message: str) -> None:
        self.error_line.show_message(message)
        self._replan()

    def _on_job_done(self) -> None:
        self.close_button.setEnabled(True)
        self.job = None

    def _show_result(self, summary: object) -> None:
        assert isinstance(summary, ImportSummary) and self.sheet is not None
        self.summary = summary
        imported, refused = len(summary.imported), len(summary.rejections)
        self.result_title.setText(
            f"{_plural(imported, 'patient')} imported from {self.sheet.path.name}."
            if imported
            else f"No patient was imported from {self.sheet.path.name}."
        )
        if summary.stopped:
            note = (
                f"The import stopped: {summary.stopped}. The rows below were not imported; "
                "importing the same file again adds only them."
            )
        elif refused:
            note = f"{_plural(refused, 'row')} not imported, with the reason for each."
        else:
            note = "Every row was imported."
        self.result_note.setText(note)
        fill(
            self.rejected_table,
            [[str(r.row), self._who(r.cells), r.reason] for r in summary.rejections],
            [r.row for r in summary.rejections],
        )
        self.rejected_table.setVisible(bool(refused))
        self.save_button.setVisible(bool(refused))
        self.saved_label.setText("")
        self.pages.setCurrentWidget(self.result_page)
        self.import_button.hide()
        self.close_button.setText("Close")
        self.error_line.clear_message()
        self.imported.emit(summary)

    def _who(self, cells: tuple[Cell, ...]) -> str:
        """The names a refused row holds, to recognise it in the list."""
        mapping = self.plan.mapping if self.plan is not None else {}
        names = (PatientField.FAMILY_NAME, PatientField.GIVEN_NAMES)
        columns = [mapping[f] for f in names if f in mapping]
        return _one_line(" ".join(cell_text(cells[c]) for c in columns if c < len(cells)))

    def _on_save_refused(self) -> None:
        if self.summary is None or self.sheet is None:
            return
        target = paths.choose_save_path(
            self,
            "Save the refused rows",
            f"{self.sheet.path.stem} - not imported.csv",
            "CSV files (*.csv)",
        )
        if target is None:
            return
        try:
            save_rejections(target, self.sheet, self.summary.rejections)
        except MesodeskError as error:
            self.error_line.show_message(error.message)
            return
        self.error_line.clear_message()
        self.saved_label.setText(f"Saved in {target}.")

    def reject(self) -> None:
        if self.job is not None:  # the progress dialog cancels; the dialog waits for it
            return
        super().reject()
