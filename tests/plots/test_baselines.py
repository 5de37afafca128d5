"""Image baselines: the whole picture of two typical plots, compared with a tolerance.

The builders' own tests check the data; these catch what data checks cannot (a label
drawn over a line, a panel squeezed to nothing). Matplotlib ships its fonts, so the
images are the same wherever the tests run. After a deliberate change, regenerate with
``MESODESK_UPDATE_BASELINES=1 make test`` and look at the new PNGs before committing.
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest
from matplotlib.figure import Figure
from matplotlib.testing.compare import compare_images

from mesodesk.plots import progress_figure
from tests.plots.series import CIRCUMFERENCE, CSS, WEIGHT, series, sessions

BASELINES = Path(__file__).parent / "baseline"
TOLERANCE = 6  # RMS, 0-255: anti-aliasing differences pass, a moved label does not


def _check(figure: Figure, name: str, tmp_path: Path) -> None:
    matplotlib.rcParams["svg.hashsalt"] = "mesodesk"
    actual = tmp_path / f"{name}.png"
    figure.savefig(actual, dpi=80)
    expected = BASELINES / f"{name}.png"
    if os.environ.get("MESODESK_UPDATE_BASELINES"):
        expected.write_bytes(actual.read_bytes())
    assert expected.exists(), f"no baseline {expected.name}: set MESODESK_UPDATE_BASELINES=1"
    assert compare_images(str(expected), str(actual), tol=TOLERANCE) is None


def test_a_cellulite_course_as_small_multiples(tmp_path: Path) -> None:
    marks = sessions(10, maintenance_from=9)
    left = series(
        CIRCUMFERENCE,
        [58.5, 58.1, 57.6, 57.3, 56.8, 56.5, 56.0, 55.4],
        site="left thigh, 15 cm above the patella",
        markers=marks,
    )
    right = series(
        CIRCUMFERENCE,
        [58.0, 57.9, 57.3, 57.0, 56.9, 56.2, 55.8, 55.5],
        site="right thigh, 15 cm above the patella",
        markers=marks,
    )
    css = series(CSS, [9, 9, 8, 7, 7, 6, 6, 5], markers=marks)
    weight = series(WEIGHT, [64.0, 63.8, 64.1, 63.5, 63.6, 63.2, 63.0, 62.9], markers=marks)
    _check(progress_figure([left, right, css, weight]), "cellulite_course", tmp_path)


@pytest.mark.parametrize("x_axis", ["weeks"])
def test_weeks_since_start_with_a_gap(tmp_path: Path, x_axis: str) -> None:
    gap = series(
        CIRCUMFERENCE,
        [80.0, 79.2, 78.1],
        site="waist at the navel",
        days=[0, 14, 56],
        markers=sessions(5),
    )
    _check(progress_figure([gap], x_axis=x_axis), "waist_weeks", tmp_path)  # type: ignore[arg-type]
