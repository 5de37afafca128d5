"""Figures and how they are measured: repeated runs, wall and CPU time, median and p95.

The machine may be shared, so every figure keeps the CPU time of each run beside its
wall time: when other work inflates the wall clock, the CPU time still says what
mesodesk itself spent. Whether a target is met is judged on the wall clock (what a
practitioner waits for): the p95 for search, whose target is a p95, the median
elsewhere.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

Unit = Literal["s", "MB"]
Statistic = Literal["median", "p95"]


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (p95: ``fraction`` 0.95) of at least one value."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True, slots=True)
class Sample:
    """One run: seconds on the wall clock and seconds of CPU (all threads)."""

    wall: float
    cpu: float


@dataclass
class Figure:
    """One line of the table: what was measured, its runs, its target, its floor."""

    key: str
    title: str
    limit: float | None  # the target, in ``unit``; None when the figure has none
    unit: Unit = "s"
    judged_on: Statistic = "median"
    target_words: str = ""
    samples: list[Sample] = field(default_factory=list)
    floor: list[Sample] = field(default_factory=list)  # raw sqlite3, same question
    note: str = ""

    @property
    def walls(self) -> list[float]:
        return [s.wall for s in self.samples]

    @property
    def median(self) -> float:
        return statistics.median(self.walls)

    @property
    def p95(self) -> float:
        return percentile(self.walls, 0.95)

    @property
    def cpu_median(self) -> float | None:
        cpus = [s.cpu for s in self.samples if not math.isnan(s.cpu)]
        return statistics.median(cpus) if cpus else None

    @property
    def judged(self) -> float:
        return self.p95 if self.judged_on == "p95" else self.median

    @property
    def met(self) -> bool | None:
        if self.limit is None or not self.samples:
            return None
        return self.judged < self.limit

    @property
    def met_on_cpu(self) -> bool | None:
        """Whether the CPU time alone is within the target (times only)."""
        cpu = self.cpu_median
        if self.limit is None or self.unit != "s" or cpu is None:
            return None
        return cpu < self.limit

    @property
    def floor_median(self) -> float | None:
        return statistics.median(s.wall for s in self.floor) if self.floor else None

    @property
    def ratio(self) -> float | None:
        """mesodesk's median over raw sqlite3's median for the same question."""
        raw = self.floor_median
        if raw is None or not self.samples or raw <= 0:
            return None
        return self.median / raw


def clock() -> Sample:
    """Now, on both clocks (subtract two to get a run)."""
    return Sample(time.perf_counter(), time.process_time())


def since(start: Sample) -> Sample:
    end = clock()
    return Sample(end.wall - start.wall, end.cpu - start.cpu)


def run(action: Callable[[], object], rounds: int, warmup: int = 1) -> list[Sample]:
    """Call ``action`` ``warmup`` times unmeasured, then ``rounds`` times measured."""
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(rounds):
        start = clock()
        action()
        samples.append(since(start))
    return samples
