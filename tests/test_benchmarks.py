"""The benchmark suite in miniature, so it never rots: a small practice, one round.

Nothing here asserts a time: only that every figure of the issue's table was measured
and written to the report with a number.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks.run import FIGURE_KEYS, Options, run_suite
from benchmarks.timing import percentile

pytestmark = [
    pytest.mark.slow,
    pytest.mark.qt_log_ignore("This plugin does not support"),
]

NUMBER = re.compile(r"\d+(\.\d+)? (ms|s|MB)")


def _table_lines(report: str) -> list[list[str]]:
    lines = [line for line in report.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]


def test_every_figure_is_measured_and_reported_with_a_number(qapp: object, tmp_path: Path) -> None:
    out = tmp_path / "BENCHMARKS.md"
    options = Options(
        patients=12,
        seed=3,
        rounds=1,
        heavy_rounds=1,
        out=out,
        cache=tmp_path / "cache",
        say=False,
    )

    figures = run_suite(options)

    assert [f.key for f in figures] == list(FIGURE_KEYS)
    assert all(f.samples for f in figures)
    rows = _table_lines(out.read_text(encoding="utf-8"))
    assert len(rows) == len(FIGURE_KEYS)
    for cells in rows:
        median, p95 = cells[1], cells[2]
        assert NUMBER.fullmatch(median), cells
        assert NUMBER.fullmatch(p95), cells
        assert cells[6] in {"yes", "**no**", "**no** (yes on CPU time)", "—"}, cells
    floors = {f.key: f.ratio for f in figures if f.floor}
    assert set(floors) == {"search", "history", "recall"}
    assert all(ratio is not None and ratio > 0 for ratio in floors.values())


def test_the_cached_practice_is_reused(tmp_path: Path) -> None:
    from benchmarks.fixtures import bench_practice

    first = bench_practice(6, 2, tmp_path, say=False)
    stamp = first.database.stat().st_mtime_ns
    again = bench_practice(6, 2, tmp_path, say=False)
    assert again == first
    assert again.database.stat().st_mtime_ns == stamp


def test_percentiles_are_nearest_rank() -> None:
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 0.95) == 95.0
    assert percentile([3.0], 0.95) == 3.0
