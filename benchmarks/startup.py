"""Cold start and memory, each in a process of its own.

Cold start runs the real entry point, ``python -m mesodesk --db FILE``, with
``MESODESK_EXIT_AFTER_PAINT`` set: mesodesk prints its CPU time when the main window
first paints and quits (see :mod:`mesodesk.ui.app`). The wall time is counted here,
from just before the process is started to the moment that line arrives. The file
is in the OS page cache after the first run: "cold" means a new process, not a
machine just booted.

Memory runs :mod:`benchmarks.memory_probe`, which opens the record the way the window
does, shows the 100-session patient and reports its resident set size.

Both run on Qt's offscreen platform with their own home folder, so no settings or
logs of the person running the suite are read or written. The automatic backup that
the first start of a day makes is not part of either figure: :func:`day_backups_ready`
gives the record its backups of the day first (hard links, no copy), as on every start
but the first of the day.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.timing import Figure, Sample
from mesodesk.ui.app import EXIT_AFTER_PAINT, PAINTED_LINE

RSS = "mesodesk-rss"
TIMEOUT_S = 600


def child_environment(scratch: Path) -> dict[str, str]:
    """The environment of a child mesodesk: offscreen, its own home, the hook set."""
    home = scratch / "home"
    home.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        **{EXIT_AFTER_PAINT: "1"},
    )
    env.pop("MESODESK_PASSWORD", None)
    return env


def day_backups_ready(database: Path) -> None:
    """Give ``database`` the automatic backups of today, so a start does not copy it.

    The daily, weekly and monthly copies are hard links to the file itself (the suite
    never restores them), named as :mod:`mesodesk.core.backups` names them.
    """
    from mesodesk.core.backups import KEEP, STAMP, default_folder

    folder = default_folder(database)
    folder.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime(STAMP)
    for old in folder.glob(f"{database.stem}-*.sqlite"):
        old.unlink()
    for kind in KEEP:
        link = folder / f"{database.stem}-{kind}-{stamp}.sqlite"
        os.link(database, link)


def _one_start(database: Path, env: dict[str, str]) -> Sample:
    began = time.perf_counter()
    with subprocess.Popen(
        [sys.executable, "-m", "mesodesk", "--db", str(database)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    ) as child:
        assert child.stdout is not None
        for line in child.stdout:
            if line.startswith(PAINTED_LINE):
                wall = time.perf_counter() - began
                cpu = float(line.split("cpu=")[1])
                break
        else:
            _, errors = child.communicate(timeout=TIMEOUT_S)
            raise RuntimeError(f"mesodesk did not paint its window: {errors.strip()[-2000:]}")
        child.communicate(timeout=TIMEOUT_S)
    return Sample(wall, cpu)


def cold_start_figure(database: Path, scratch: Path, rounds: int) -> Figure:
    """Process start to the main window painted, ``rounds`` times after one warm-up."""
    figure = Figure(
        "cold_start",
        "cold start: process start to the main window painted",
        1.0,
        target_words="< 1.0 s",
    )
    env = child_environment(scratch)
    day_backups_ready(database)
    _one_start(database, env)
    figure.samples = [_one_start(database, env) for _ in range(rounds)]
    figure.note = "`python -m mesodesk --db`, offscreen, OS file cache warm"
    return figure


def memory_figure(database: Path, patient_id: int, scratch: Path, rounds: int) -> Figure:
    """Resident memory with the record open and the 100-session patient shown."""
    figure = Figure(
        "memory",
        "memory: database open and a patient shown",
        250.0,
        unit="MB",
        target_words="RSS < 250 MB",
    )
    env = child_environment(scratch)
    env.pop(EXIT_AFTER_PAINT)
    day_backups_ready(database)
    peaks = []
    for _ in range(rounds):
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.memory_probe", str(database), str(patient_id)],
            capture_output=True,
            env=env,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
        line = next((x for x in done.stdout.splitlines() if x.startswith(RSS)), None)
        if line is None:
            raise RuntimeError(f"the memory probe failed: {done.stderr.strip()[-2000:]}")
        words = dict(part.split("=") for part in line.split()[1:])
        figure.samples.append(Sample(float(words["rss"]), float("nan")))
        peaks.append(float(words["peak"]))
    figure.note = f"VmRSS after showing; peak (VmHWM) {max(peaks):.0f} MB"
    return figure
