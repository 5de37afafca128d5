"""Where the shipped data files live: source checkout, installed wheel or frozen build."""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent.parent  # the mesodesk package folder


@cache
def resources_dir() -> Path:
    """The ``resources`` folder; the wheel maps it into the package (pyproject.toml)."""
    candidates = [
        Path(getattr(sys, "_MEIPASS", "")) / "resources",  # PyInstaller bundle
        _PACKAGE / "resources",  # installed wheel
        _PACKAGE.parent / "resources",  # source checkout and editable install
    ]
    for candidate in candidates:
        if (candidate / "catalogues").is_dir():
            return candidate
    raise FileNotFoundError("mesodesk's resources folder is missing from this installation")


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def load_json(*parts: str) -> Any:
    with resource_path(*parts).open(encoding="utf-8") as stream:
        return json.load(stream)
