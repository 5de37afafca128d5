"""mesodesk: an offline treatment record for mesotherapy practice."""

__version__ = "0.1.0"
