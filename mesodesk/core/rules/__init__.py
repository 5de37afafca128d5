"""The clinical rules checked before a session is saved (DESIGN.md "Clinical rules")."""

from mesodesk.core.rules.context import (
    AreaFacts,
    LineFacts,
    ProductFacts,
    ScreeningFacts,
    SessionFacts,
)
from mesodesk.core.rules.evaluate import Finding, evaluate_session, screening_findings

__all__ = [
    "AreaFacts",
    "Finding",
    "LineFacts",
    "ProductFacts",
    "ScreeningFacts",
    "SessionFacts",
    "evaluate_session",
    "screening_findings",
]
