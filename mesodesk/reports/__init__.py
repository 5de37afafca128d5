"""Exporters and importers: PDF, CSV, XLSX, FHIR and the archive (no QtWidgets)."""
