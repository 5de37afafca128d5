"""Archive lines written by SQLite (text, integers, dates, date-times) read back to the
same values as those written by Python, whatever the text holds."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import Column, Date, DateTime, Float, Integer, MetaData, String, Table, insert
from sqlalchemy import create_engine as sqlalchemy_engine

from mesodesk.core.exchange.archive import _encoded_batches, sqlite_json_lines

TRICKY_TEXT = [
    'quotes " and \\ backslash',
    "lines\nand\ttabs\r\x01\x1f\x7f",
    "accents éàü, ß, 漢字, emoji 🙂, separators \u2028\u2029",
    '{"id": 3, "after": "json inside"}',
    "",
    None,
]


def _lines(data: bytes) -> list[dict[str, object]]:
    # Lines end at "\n" only (str.splitlines would also cut at U+2028 and others).
    return [json.loads(line) for line in data.decode("utf-8").split("\n")[:-1]]


def test_sqlite_lines_read_back_as_pythons(tmp_path: Path) -> None:
    metadata = MetaData()
    table = Table(
        "sample",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("words", String, nullable=True),
        Column("born", Date, nullable=True),
        Column("at", DateTime, nullable=True),
        Column("count", Integer, nullable=True),
    )
    engine = sqlalchemy_engine(f"sqlite:///{tmp_path / 'sample.sqlite'}")
    metadata.create_all(engine)
    stamps = [
        dt.datetime(2026, 9, 1, 10, 30),
        dt.datetime(2026, 9, 1, 10, 30, 0, 500000),
        dt.datetime(2026, 12, 31, 23, 59, 59, 1),
        None,
    ]
    rows = [
        {
            "id": n + 1,
            "words": TRICKY_TEXT[n % len(TRICKY_TEXT)],
            "born": None if n % 5 == 4 else dt.date(1980, 1, 1) + dt.timedelta(days=n),
            "at": stamps[n % len(stamps)],
            "count": None if n % 3 == 2 else n * 1_000_003,
        }
        for n in range(40)
    ]
    with engine.begin() as connection:
        connection.execute(insert(table), rows)
    with engine.connect() as connection:
        by_sqlite = b"".join(data for data, _ in _encoded_batches(connection, table, True))
        by_python = b"".join(data for data, _ in _encoded_batches(connection, table, False))
    engine.dispose()
    assert _lines(by_sqlite) == _lines(by_python)
    assert len(_lines(by_sqlite)) == len(rows)
    assert _lines(by_sqlite)[0]["at"] == "2026-09-01T10:30:00"  # no .000000
    assert _lines(by_sqlite)[1]["at"] == "2026-09-01T10:30:00.500000"


def test_tables_with_floats_stay_with_python() -> None:
    table = Table(
        "measured", MetaData(), Column("id", Integer, primary_key=True), Column("value", Float)
    )
    assert sqlite_json_lines(table) is None
