"""BENCHMARKS.md: the machine, the date, the load, and one table line per figure."""

from __future__ import annotations

import datetime as dt
import os
import platform
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.timing import Figure


@dataclass(frozen=True, slots=True)
class Context:
    """What the table was measured on."""

    patients: int
    seed: int
    sessions: int
    database_mb: float
    rounds: int
    heavy_rounds: int
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    seconds: float


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gb() -> str:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024**2:.0f} GiB"
    except OSError:
        pass
    return "?"


def machine() -> str:
    """One line naming the machine and the software that ran."""
    from PySide6 import __version__ as pyside
    from sqlalchemy import __version__ as sqlalchemy

    return (
        f"{_cpu_model()}, {os.cpu_count()} CPUs, {_memory_gb()}; {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}, SQLite "
        f"{sqlite3.sqlite_version}, SQLAlchemy {sqlalchemy}, PySide6 {pyside}"
    )


def value(seconds_or_mb: float | None, unit: str) -> str:
    """A time in ms below one second, in s above; memory in MB."""
    if seconds_or_mb is None:
        return "—"
    if unit == "MB":
        return f"{seconds_or_mb:.0f} MB"
    if seconds_or_mb < 1.0:
        return f"{seconds_or_mb * 1000:.1f} ms"
    return f"{seconds_or_mb:.2f} s"


def _met(figure: Figure) -> str:
    if figure.limit is None:
        if figure.ratio is None:
            return "—"
        return "yes" if figure.ratio <= 3.0 else "**no**"
    if figure.met:
        return "yes"
    if figure.met_on_cpu:
        return "**no** (yes on CPU time)"
    return "**no**"


def _floor(figure: Figure) -> str:
    if figure.ratio is None:
        return "—"
    verdict = "" if figure.ratio <= 3.0 else " **over 3×**"
    return f"{value(figure.floor_median, figure.unit)} → {figure.ratio:.1f}×{verdict}"


def table(figures: Sequence[Figure]) -> str:
    """The markdown table: one line per figure."""
    heads = ("figure", "median", "p95", "CPU median", "runs", "target", "met")
    lines = [
        "| " + " | ".join((*heads, "raw sqlite3 → ratio", "notes")) + " |",
        "| --- | ---: | ---: | ---: | ---: | --- | --- | --- | --- |",
    ]
    for f in figures:
        cpu = value(f.cpu_median, f.unit) if f.unit == "s" else "—"
        lines.append(
            f"| {f.title} | {value(f.median, f.unit)} | {value(f.p95, f.unit)} | {cpu} | "
            f"{len(f.samples)} | {f.target_words} | {_met(f)} | {_floor(f)} | {f.note} |"
        )
    return "\n".join(lines)


def _load(values: tuple[float, float, float]) -> str:
    return " / ".join(f"{v:.2f}" for v in values)


def render(figures: Sequence[Figure], context: Context, today: dt.date | None = None) -> str:
    """The whole BENCHMARKS.md."""
    today = today or dt.date.today()
    shared = max(*context.load_before, *context.load_after) >= 1.0
    load_note = (
        "The machine was shared with other work while this ran (load averages above), so "
        "wall times are inflated; the CPU column is mesodesk's own time. "
        if shared
        else ""
    )
    return f"""# Benchmarks

Made by `make bench` (`python -m benchmarks`); the targets are those of issue #8.
Do not edit by hand: run the suite again.

- **Date**: {today.isoformat()}
- **Machine**: {machine()}
- **Practice**: the demo clinic, {context.patients} patients (seed {context.seed}),
  {context.sessions} sessions, {context.database_mb:.0f} MB, plus a patient with 100 sessions
- **Runs**: {context.rounds} rounds per interactive figure after a warm-up (search: every
  keystroke of the typed names, each that many times), {context.heavy_rounds} for the
  archive and CSV jobs; the whole suite took {context.seconds / 60:.1f} min
- **Load** (1, 5 and 15 min averages): {_load(context.load_before)} before,
  {_load(context.load_after)} after. {load_note}

A target is met when the median wall time is below it (search: the p95). "raw sqlite3"
is the same question asked with hand-written SQL on the same file (the floor; target
no more than 3×). The GUI figures run on Qt's offscreen platform.

{table(figures)}
"""


def write(path: Path, figures: Sequence[Figure], context: Context) -> None:
    path.write_text(render(figures, context), encoding="utf-8")
