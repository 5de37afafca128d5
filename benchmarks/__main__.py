"""``python -m benchmarks``: build (or reuse) the practice, measure, write BENCHMARKS.md."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks.run import FIGURE_KEYS, Options, run_suite


def parse(argv: list[str]) -> Options:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--patients", type=int, default=20_000, help="default 20000")
    parser.add_argument("--seed", type=int, default=1, help="default 1")
    parser.add_argument("--rounds", type=int, default=10, help="runs per interactive figure")
    parser.add_argument(
        "--heavy-rounds", type=int, default=3, help="runs of the archive and CSV jobs"
    )
    parser.add_argument("--out", type=Path, default=Path("BENCHMARKS.md"))
    parser.add_argument("--cache", type=Path, help="the cache folder (default: per user)")
    parser.add_argument(
        "--only", action="append", choices=FIGURE_KEYS, default=[], help="one figure (repeat)"
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="FOLDER",
        help="profile each figure with pyinstrument into FOLDER (the numbers are then off)",
    )
    args = parser.parse_args(argv)
    return Options(
        patients=args.patients,
        seed=args.seed,
        rounds=args.rounds,
        heavy_rounds=args.heavy_rounds,
        out=args.out,
        cache=args.cache,
        only=tuple(args.only),
        profiles=args.profile,
    )


def main(argv: list[str] | None = None) -> int:
    options = parse(sys.argv[1:] if argv is None else argv)
    figures = run_suite(options)
    missed = [f.title for f in figures if f.met is False]
    print(f"Wrote {options.out}: {len(figures)} figures, {len(missed)} missing their target.")
    for title in missed:
        print(f"  missed: {title}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
