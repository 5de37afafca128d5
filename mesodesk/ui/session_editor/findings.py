"""The clinical rule findings, shown live; an override reason when a block allows one."""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QVBoxLayout, QWidget

from mesodesk.core.enums import FindingLevel
from mesodesk.core.rules import Finding

COLOURS = {
    FindingLevel.BLOCK: "#b00020",
    FindingLevel.CAUTION: "#a15c00",
    FindingLevel.INFO: "#555555",
}
WORDS = {
    FindingLevel.BLOCK: "Blocks saving",
    FindingLevel.CAUTION: "Caution",
    FindingLevel.INFO: "Note",
}


class FindingsPanel(QFrame):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findings")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.override_label = QLabel("Override reason (required to save despite the block):")
        self.override_reason = QLineEdit()
        self.override_reason.setPlaceholderText("Why the session goes ahead")
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.override_label)
        layout.addWidget(self.override_reason)
        self.override_reason.textChanged.connect(self.changed)
        self.findings: list[Finding] = []
        self.notes: list[str] = []
        self.show_findings([])

    def show_findings(self, findings: list[Finding], notes: list[str] | None = None) -> None:
        self.findings = findings
        if notes is not None:
            self.notes = notes
        lines = [
            f'<span style="color:{COLOURS[f.level]}"><b>{WORDS[f.level]}:</b> '
            f"{html.escape(f.message)}</span>"
            for f in findings
        ]
        lines += [
            f'<span style="color:#555"><b>Note:</b> {html.escape(n)}</span>' for n in self.notes
        ]
        self.text.setText(
            "<br>".join(lines)
            if lines
            else '<span style="color:#1b5e20">No finding: the clinical rules are satisfied.</span>'
        )
        needs_reason = self.needs_override
        self.override_label.setVisible(needs_reason)
        self.override_reason.setVisible(needs_reason)

    @property
    def hard_block(self) -> bool:
        return any(f.level == FindingLevel.BLOCK and not f.overridable for f in self.findings)

    @property
    def needs_override(self) -> bool:
        return any(f.level == FindingLevel.BLOCK and f.overridable for f in self.findings)

    def reason(self) -> str | None:
        text = self.override_reason.text().strip()
        return text or None
