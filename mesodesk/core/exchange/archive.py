"""The full archive: the whole practice in one zip, to move it to another computer.

The layout (documented for other software in ``docs/formats/archive.md``):

- ``manifest.json``: what the archive holds (see :class:`Manifest`);
- ``tables/<table>.jsonl``: every row of every table, one JSON object per line, with
  every column, in primary-key order;
- ``attachments/<sha256>``: each photo file, named by the SHA-256 of its content.

Exporting streams the rows of one read snapshot, hashes each member while it is written
and goes through :func:`.files.atomic_output`, so a cancelled export leaves nothing.
Verifying and importing are in :mod:`.archive_import`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import queue
import re
import shutil
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Generic, TypeVar

from sqlalchemy import Column, Connection, Table, func, select
from sqlalchemy import types as sqltypes
from sqlalchemy.exc import DBAPIError

from mesodesk import __version__
from mesodesk.core.db import Database
from mesodesk.core.db.migrate import current_revision, head_revision
from mesodesk.core.errors import KnownError
from mesodesk.core.exchange.files import atomic_output
from mesodesk.core.exchange.progress import Progress, Ticker
from mesodesk.core.models import Base, Photo

FORMAT_NAME = "mesodesk archive"
LAYOUT_VERSION = 1
MANIFEST_NAME = "manifest.json"
TABLES_FOLDER = "tables/"
TABLE_SUFFIX = ".jsonl"
ATTACHMENTS_FOLDER = "attachments/"
SKIPPED_TABLES = frozenset({"alembic_version"})  # the schema revision is in the manifest
SHA256_TEXT = re.compile(r"[0-9a-f]{64}")
TABLE_NAME = re.compile(r"[a-z][a-z0-9_]*")

T = TypeVar("T")

BATCH_ROWS = 2000
CHUNK_BYTES = 1 << 20
# Level 1 deflates the tables about nine times smaller, at twice the speed of level 6,
# which makes them only some 15 % smaller again: a large export is bound by time.
COMPRESS_LEVEL = 1

# How each column type is written, and read back (mesodesk.core.exchange.archive_import).
DATE, DATETIME, BOOLEAN, INTEGER, FLOAT, TEXT = "date", "datetime", "bool", "int", "float", "text"


def column_kind(column: Column[Any]) -> str:
    """How the values of ``column`` are written in the archive (one of the kinds above).

    Works for the models' columns and for columns reflected from a database file, so
    an archive made by an older schema is read by the types of that schema.
    """
    kind = column.type
    for base, name in (
        (sqltypes.DateTime, DATETIME),
        (sqltypes.Date, DATE),
        (sqltypes.Boolean, BOOLEAN),
        (sqltypes.Integer, INTEGER),
        (sqltypes.Float, FLOAT),
        (sqltypes.String, TEXT),
    ):
        if isinstance(kind, base):
            return name
    raise KnownError(
        f"The column {column.table.name}.{column.name} has a type ({kind}) that the archive "
        "cannot carry."
    )


def table_member(table: str) -> str:
    return f"{TABLES_FOLDER}{table}{TABLE_SUFFIX}"


def attachment_member(sha256: str) -> str:
    return f"{ATTACHMENTS_FOLDER}{sha256}"


def archived_tables() -> list[Table]:
    """Every table of the record, parents before children (the order of the archive)."""
    return [t for t in Base.metadata.sorted_tables if t.name not in SKIPPED_TABLES]


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


parse_json = json.JSONDecoder(parse_constant=_refuse_constant).decode
"""Strict JSON: NaN and Infinity, which Python would otherwise accept, are refused."""


@dataclass(frozen=True, slots=True)
class Member:
    """One file of the archive as the manifest lists it: its SHA-256 and size in bytes."""

    sha256: str
    size: int


@dataclass(frozen=True)
class Manifest:
    """``manifest.json``: what the archive holds and how to check it.

    ``tables`` maps each table to its row count, in the order the rows go back in;
    ``members`` lists every other file of the zip; ``missing_attachments`` names the
    photo files that the record refers to but that could not be archived (absent from
    the photos folder, or no longer matching their hash).
    """

    schema_revision: str
    created_at: str
    tables: dict[str, int]
    members: dict[str, Member]
    missing_attachments: tuple[str, ...] = ()
    mesodesk_version: str = __version__
    layout: int = LAYOUT_VERSION

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    @property
    def attachments(self) -> list[str]:
        """The SHA-256 of every photo file in the archive."""
        return [
            name.removeprefix(ATTACHMENTS_FOLDER)
            for name in self.members
            if name.startswith(ATTACHMENTS_FOLDER)
        ]

    def to_json(self) -> str:
        document = {
            "format": FORMAT_NAME,
            "layout": self.layout,
            "mesodesk_version": self.mesodesk_version,
            "schema_revision": self.schema_revision,
            "created_at": self.created_at,
            "tables": self.tables,
            "members": {
                name: {"sha256": m.sha256, "size": m.size} for name, m in self.members.items()
            },
            "missing_attachments": list(self.missing_attachments),
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        """Read ``manifest.json``; :class:`ManifestError` says what is wrong with it.

        The layout version is looked at first: a newer layout may change everything else.
        """
        try:
            document = parse_json(text)
        except ValueError as exc:
            raise ManifestError(f"manifest.json is not valid JSON ({exc})") from None
        if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
            raise ManifestError("manifest.json does not describe a mesodesk archive")
        layout = document.get("layout")
        if not isinstance(layout, int) or not _is_count(layout) or layout < 1:
            raise ManifestError("manifest.json has no valid layout version")
        if layout > LAYOUT_VERSION:
            raise NewerLayoutError(layout)
        tables = _mapping(document, "tables")
        members = _mapping(document, "members")
        missing = document.get("missing_attachments")
        if not isinstance(missing, list) or not all(_is_sha(s) for s in missing):
            raise ManifestError("manifest.json has no valid list of missing attachments")
        for key in ("mesodesk_version", "schema_revision", "created_at"):
            if not isinstance(document.get(key), str) or not document[key]:
                raise ManifestError(f"manifest.json has no valid {key}")
        for name, count in tables.items():
            if not TABLE_NAME.fullmatch(name) or name in SKIPPED_TABLES or not _is_count(count):
                raise ManifestError(f"manifest.json lists the table {name!r} wrongly")
        listed: dict[str, Member] = {}
        for name, entry in members.items():
            if not (
                isinstance(entry, dict)
                and _is_sha(entry.get("sha256"))
                and _is_count(entry.get("size"))
            ):
                raise ManifestError(f"manifest.json lists {name!r} without a valid hash and size")
            listed[name] = Member(entry["sha256"], entry["size"])
        return cls(
            schema_revision=document["schema_revision"],
            created_at=document["created_at"],
            tables=tables,
            members=listed,
            missing_attachments=tuple(missing),
            mesodesk_version=document["mesodesk_version"],
            layout=layout,
        )


class ManifestError(ValueError):
    """What is wrong with a manifest, in words; the importer names the archive."""


class NewerLayoutError(ManifestError):
    def __init__(self, layout: int) -> None:
        self.layout = layout
        super().__init__(f"archive layout {layout}")


def _is_count(value: object) -> bool:
    return type(value) is int and value >= 0


def _is_sha(value: object) -> bool:
    return isinstance(value, str) and SHA256_TEXT.fullmatch(value) is not None


def _mapping(document: dict[str, Any], key: str) -> dict[str, Any]:
    value = document.get(key)
    if not isinstance(value, dict):
        raise ManifestError(f"manifest.json has no valid {key}")
    return value


# --- rows ------------------------------------------------------------------------


def _iso(value: object) -> str:
    if isinstance(value, dt.date):  # datetimes too
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot be written to the archive")


# Floats are written by repr, which reads back to the same float; NaN and infinities
# are not JSON and the services never store them.
_ROW_ENCODER = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), allow_nan=False, check_circular=False, default=_iso
)


def encode_rows(names: list[str], rows: Iterable[Iterable[Any]]) -> bytes:
    """Rows as JSON lines: one object per row, keys in column order, each line ending in \\n.

    JSON escapes every control character inside strings, so a line break can only be
    the end of a row (line separators U+2028 and U+2029 are kept as they are).
    """
    lines = [_ROW_ENCODER.encode(dict(zip(names, row, strict=True))) for row in rows]
    lines.append("")
    return "\n".join(lines).encode("utf-8")


class RowDecoder:
    """Reads a table's JSON lines back into values as SQLite stores them (the reverse of
    :func:`encode_rows`).

    Values of the wrong type are refused with ``ValueError``. Dates and times become the
    text SQLAlchemy writes for SQLite (as :func:`~mesodesk.core.db.audit.sqlite_value`
    does), so the rows are stored exactly as the services would have stored them.
    """

    def __init__(self, table: Table) -> None:
        self.order = [column.name for column in table.columns]
        self.names = set(self.order)
        self.nullable = {column.name for column in table.columns if column.nullable}
        kinds: dict[str, list[str]] = {}
        for column in table.columns:
            kinds.setdefault(column_kind(column), []).append(column.name)
        self.plain = [
            (name, kind)
            for key, kind in ((TEXT, str), (INTEGER, int), (BOOLEAN, bool))
            for name in kinds.get(key, [])
        ]
        self.floating = kinds.get(FLOAT, [])
        self.dates = kinds.get(DATE, [])
        self.stamps = kinds.get(DATETIME, [])

    def decode(self, line: str) -> tuple[Any, ...]:
        """One line as a tuple of values in column order."""
        row = parse_json(line)
        if type(row) is not dict:
            raise ValueError("it is not a JSON object")
        if row.keys() != self.names:
            odd = sorted(row.keys() ^ self.names)
            raise ValueError(f"its columns differ from the table's ({', '.join(odd)})")
        for name, kind in self.plain:
            value = row[name]
            if type(value) is not kind:
                self._null_or_wrong(name, value, kind)
        for name in self.floating:
            value = row[name]
            if type(value) is int:  # a whole number written without a decimal point
                row[name] = float(value)
            elif type(value) is not float:
                self._null_or_wrong(name, value, float)
        for name in self.dates:
            value = row[name]
            if type(value) is str:
                row[name] = dt.date.fromisoformat(value).isoformat()
            else:
                self._null_or_wrong(name, value, str)
        for name in self.stamps:
            value = row[name]
            if type(value) is str:
                stamp = dt.datetime.fromisoformat(value)
                if stamp.tzinfo is not None:
                    raise ValueError(f"{name} has a time zone; the record keeps none")
                # SQLAlchemy's text for SQLite (what sqlite_value gives), made faster.
                row[name] = stamp.isoformat(" ", "microseconds")
            else:
                self._null_or_wrong(name, value, str)
        return tuple([row[name] for name in self.order])

    def _null_or_wrong(self, name: str, value: object, kind: type) -> None:
        if value is not None or name not in self.nullable:
            raise ValueError(f"{name} is not a {kind.__name__}: {value!r}"[:200])


# --- export ------------------------------------------------------------------------


class HashingWriter:
    """Writes through to ``sink`` while counting the bytes and hashing them."""

    def __init__(self, sink: IO[bytes]) -> None:
        self._sink = sink
        self._digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self._sink.write(data)
        self._digest.update(data)
        self.size += len(data)
        return len(data)

    def member(self) -> Member:
        return Member(self._digest.hexdigest(), self.size)


class BackgroundWork(Generic[T]):
    """Runs ``work(item)`` for each queued item, in order, in a second thread.

    SQLite, zlib, hashlib and file writes run without holding Python's interpreter lock,
    so on a computer with two cores or more they overlap with the JSON work of this
    thread. The queue is short, so memory stays flat. An error in the work is raised
    here, at the next item or on leaving the ``with`` block; leaving it on an error of
    this thread lets the queued work finish first, so whatever it uses can be closed.
    """

    def __init__(self, work: Callable[[T], object]) -> None:
        self._work = work
        self._items: queue.Queue[tuple[T] | None] = queue.Queue(4)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="archive-work", daemon=True)

    def __enter__(self) -> BackgroundWork[T]:
        self._thread.start()
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        self._items.put(None)
        self._thread.join()
        if kind is None:
            self._raise()

    def _run(self) -> None:
        while (item := self._items.get()) is not None:
            if self._error is None:  # after an error, only empty the queue
                try:
                    self._work(item[0])
                except BaseException as exc:
                    self._error = exc

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def put(self, item: T) -> None:
        self._raise()
        self._items.put((item,))


def isoformat_sql(column: str) -> str:
    """SQL turning a date-time as SQLAlchemy stores it in SQLite (``YYYY-MM-DD
    HH:MM:SS.ffffff``) into the text of ``datetime.isoformat`` (``T``, no ``.000000``)."""
    return (
        f"CASE WHEN substr({column}, 20) = '.000000' THEN replace(substr({column}, 1, 19), "
        f"' ', 'T') ELSE replace({column}, ' ', 'T') END"
    )


def sqlite_json_lines(table: Table) -> str | None:
    """SQL that has SQLite write each row of ``table`` as its archive line, or None.

    For tables whose columns SQLite renders as :func:`encode_rows` does: text, integers,
    dates and date-times (the audit trail, the largest table by far). Floats are left to
    Python, whose shortest round-trip form SQLite's JSON lacks, and so are booleans. A
    date-time is stored as ``YYYY-MM-DD HH:MM:SS.ffffff``; the archive writes it as
    ``datetime.isoformat`` does, without ``.000000``.
    """
    parts = []
    for column in table.columns:
        kind, name = column_kind(column), f'"{column.name}"'
        if kind in (TEXT, INTEGER, DATE):
            value = name
        elif kind == DATETIME:
            value = isoformat_sql(name)
        else:
            return None
        parts.append(f"'{column.name}', {value}")
    order = ", ".join(f'"{column.name}"' for column in table.primary_key.columns)
    return f'SELECT json_object({", ".join(parts)}) FROM "{table.name}" ORDER BY {order}'


def _has_json(connection: Connection) -> bool:
    """Whether this SQLite knows json_object (built in since 3.38; optional before)."""
    try:
        connection.exec_driver_sql("SELECT json_object('a', 1)").close()
    except DBAPIError:
        return False
    return True


def _encoded_batches(
    connection: Connection, table: Table, sqlite_json: bool
) -> Iterator[tuple[bytes, int]]:
    """The table's archive lines in primary-key order, a batch at a time, and their count."""
    lines_sql = sqlite_json_lines(table) if sqlite_json else None
    stream = connection.execution_options(yield_per=BATCH_ROWS)
    if lines_sql is not None:
        for batch in stream.exec_driver_sql(lines_sql).partitions():
            yield ("\n".join([row[0] for row in batch]) + "\n").encode("utf-8"), len(batch)
        return
    names = [column.name for column in table.columns]
    statement = select(table).order_by(*table.primary_key.columns)
    for batch in stream.execute(statement).partitions():
        try:
            data = encode_rows(names, batch)
        except ValueError as exc:
            raise KnownError(
                f"The table {table.name} holds a value an archive cannot carry ({exc})."
            ) from None
        yield data, len(batch)


def _write_table(
    archive: zipfile.ZipFile,
    connection: Connection,
    table: Table,
    ticker: Ticker,
    sqlite_json: bool = False,
) -> tuple[Member, int]:
    written = 0
    with archive.open(table_member(table.name), "w", force_zip64=True) as raw:
        sink = HashingWriter(raw)
        with BackgroundWork(sink.write) as writer:  # compressing while the next rows come
            for data, count in _encoded_batches(connection, table, sqlite_json):
                writer.put(data)
                written += count
                ticker.add(count)
    return sink.member(), written


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _archivable(photos_dir: Path | None, sha256: str) -> Path | None:
    """The photo file for ``sha256`` if it is there and still matches its hash."""
    if photos_dir is None or not SHA256_TEXT.fullmatch(sha256):
        return None
    path = photos_dir / sha256
    try:
        return path if path.is_file() and file_sha256(path) == sha256 else None
    except OSError:
        return None


def _write_attachments(
    archive: zipfile.ZipFile, hashes: Iterable[str], photos_dir: Path | None, ticker: Ticker
) -> tuple[dict[str, Member], list[str]]:
    members: dict[str, Member] = {}
    missing: list[str] = []
    for sha256 in hashes:
        path = _archivable(photos_dir, sha256)
        if path is None:
            missing.append(sha256)
        else:
            # Photos are compressed already: stored as they are, readable by their owner
            # only once unzipped, like every file of the archive.
            info = zipfile.ZipInfo(attachment_member(sha256))
            info.external_attr = 0o600 << 16
            with path.open("rb") as source, archive.open(info, "w", force_zip64=True) as raw:
                sink = HashingWriter(raw)
                shutil.copyfileobj(source, sink, CHUNK_BYTES)
            if sink.member().sha256 != sha256:
                raise KnownError(f"The photo {path} changed while it was archived; try again.")
            members[info.filename] = sink.member()
        ticker.add()
    return members, missing


def export_archive(
    db: Database,
    out: Path,
    *,
    photos_dir: Path | None = None,
    progress: Progress | None = None,
) -> None:
    """Write the whole practice to the archive ``out`` (a zip; see the module docstring).

    Every table is read in one snapshot, so the archive is consistent even while the
    window saves; rows stream through in batches (memory stays flat). Photo files come
    from ``photos_dir``; those that are missing are listed in the manifest.
    """
    out = Path(out)
    with db.read() as session:
        connection = session.connection()
        revision = current_revision(connection)
        if revision != head_revision():
            raise KnownError(
                f"{db.path} is not at this mesodesk's schema; open it in mesodesk first."
            )
        tables = archived_tables()
        counts = [connection.scalar(select(func.count()).select_from(t)) or 0 for t in tables]
        hashes = list(connection.scalars(select(Photo.sha256).distinct().order_by(Photo.sha256)))
        total = sum(counts) + len(hashes)
        ticker = Ticker(progress, total, step=max(1, total // 1000))
        with (
            atomic_output(out) as temporary,
            zipfile.ZipFile(
                temporary, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL
            ) as archive,
        ):
            members: dict[str, Member] = {}
            rows: dict[str, int] = {}
            sqlite_json = _has_json(connection)
            for table in tables:
                members[table_member(table.name)], rows[table.name] = _write_table(
                    archive, connection, table, ticker, sqlite_json
                )
            attached, missing = _write_attachments(archive, hashes, photos_dir, ticker)
            manifest = Manifest(
                schema_revision=revision,
                created_at=_utc_stamp(),
                tables=rows,
                members={**members, **attached},
                missing_attachments=tuple(missing),
            )
            archive.writestr(MANIFEST_NAME, manifest.to_json())
            ticker.finish()  # a cancel here still leaves nothing


def _utc_stamp() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
