"""The benchmark suite of issue #8: is mesodesk fast on a 20 000-patient practice?

``python -m benchmarks`` (or ``make bench``) builds the demo practice once into a cache
folder outside the repository (:mod:`benchmarks.fixtures`), measures every figure of the
issue's table over repeated runs (:mod:`benchmarks.interactive`, :mod:`benchmarks.outputs`,
:mod:`benchmarks.startup`), asks the same questions of raw ``sqlite3`` for the floor
(:mod:`benchmarks.floor`) and writes ``BENCHMARKS.md`` (:mod:`benchmarks.report`).
Nothing here is part of mesodesk itself: the package only drives its public services
and its window, the way a practitioner would.
"""
