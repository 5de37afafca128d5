"""The body map: diagrams whose regions answer clicks, with injection points as dots."""

from mesodesk.ui.bodymap.panel import BodyMapPanel
from mesodesk.ui.bodymap.view import BodyMapView, MapArea

__all__ = ["BodyMapPanel", "BodyMapView", "MapArea"]
