"""Checking an archive, and building a record from it (the layout is in :mod:`.archive`).

An archive is checked whole before anything is written: its manifest, that every file is
listed and every listed file is there with its hash and size, and that every row is JSON.
The record is then built in a new file beside the target, at the archive's schema, every
row inserted as it was (ids, audit entries and their hash chain included), migrated to
this mesodesk's schema, checked, and only then put in place. Merging into a record that
already holds patients is not supported: such a target is refused untouched.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import hashlib
import os
import sqlite3
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, Any, cast

from alembic import command
from sqlalchemy import Connection, Engine, MetaData, Table, event
from sqlalchemy.exc import SQLAlchemyError

from mesodesk.core.backups import STAMP, holder_of_lock
from mesodesk.core.db.audit import ChainRow, verify_chain_rows
from mesodesk.core.db.backup import readonly_uri
from mesodesk.core.db.cipher import PasswordNeededError
from mesodesk.core.db.engine import make_engine
from mesodesk.core.db.migrate import alembic_config, head_revision, known_revisions
from mesodesk.core.db.opening import inspect_file
from mesodesk.core.db.replacing import move_record
from mesodesk.core.errors import KnownError
from mesodesk.core.exchange.archive import (
    ATTACHMENTS_FOLDER,
    CHUNK_BYTES,
    MANIFEST_NAME,
    SKIPPED_TABLES,
    BackgroundWork,
    Manifest,
    ManifestError,
    Member,
    NewerLayoutError,
    RowDecoder,
    attachment_member,
    file_sha256,
    isoformat_sql,
    parse_json,
    table_member,
)
from mesodesk.core.exchange.files import atomic_output
from mesodesk.core.exchange.progress import Progress, Ticker

MANIFEST_LIMIT = 64 << 20  # a manifest lists files; it is never this large

Batch = tuple[str, list[tuple[Any, ...]]]
"""An INSERT statement and the rows it stores."""


@dataclass(frozen=True)
class ImportSummary:
    """What an import made: the record, what it holds, and where photos and files went."""

    target: Path
    schema_revision: str
    migrated: bool
    rows: dict[str, int]
    patients: int
    attachments_copied: int
    attachments_present: int
    attachments_missing: tuple[str, ...]
    moved_aside: Path | None

    def __str__(self) -> str:
        parts = [f"{_count(self.patients, 'patient')}, {_count(sum(self.rows.values()), 'row')}"]
        if self.migrated:
            parts.append(f"brought from schema {self.schema_revision} to this version's")
        if photos := self.attachments_copied + self.attachments_present:
            parts.append(f"{_count(photos, 'photo file')} in place")
        if missing := len(self.attachments_missing):
            parts.append(f"{_count(missing, 'photo file')} not in the archive")
        if self.moved_aside is not None:
            parts.append(f"the empty record that was there is kept as {self.moved_aside.name}")
        return "; ".join(parts)


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


# --- checking ----------------------------------------------------------------------


def verify_archive(path: Path, *, progress: Progress | None = None) -> Manifest:
    """Check the archive at ``path`` whole, writing nothing; return its manifest.

    Raises :class:`KnownError` saying what is wrong: not a zip, no manifest, bad JSON,
    a file whose hash or size differs, a file missing or not listed, a layout or a schema
    from a newer mesodesk.
    """
    path = Path(path)
    with _open_archive(path) as archive:
        manifest = _read_manifest(path, archive)
        ticker = Ticker(progress, _work(manifest), step=_step(manifest))
        _check_contents(path, archive, manifest, ticker)
    ticker.finish()
    return manifest


def _open_archive(path: Path) -> zipfile.ZipFile:
    if not path.is_file():
        raise KnownError(f"There is no archive at {path}.")
    try:
        return zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise KnownError(f"{path} is not a mesodesk archive or is damaged ({exc}).") from None
    except OSError as exc:
        raise KnownError(f"Cannot read {path}: {exc.strerror or exc}.") from None


def _read_manifest(path: Path, archive: zipfile.ZipFile) -> Manifest:
    names = archive.namelist()
    if MANIFEST_NAME not in names:
        raise KnownError(f"{path} is not a mesodesk archive: it has no {MANIFEST_NAME}.")
    if archive.getinfo(MANIFEST_NAME).file_size > MANIFEST_LIMIT:
        raise KnownError(f"{path} is damaged: its {MANIFEST_NAME} is far too large.")
    with _open_member(path, archive, MANIFEST_NAME) as stream:
        data = stream.read()
    try:
        manifest = Manifest.from_json(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise KnownError(f"{path} is damaged: its {MANIFEST_NAME} is not UTF-8 text.") from None
    except NewerLayoutError as exc:
        raise KnownError(
            f"{path} was made by a newer mesodesk ({exc}); update mesodesk to import it."
        ) from None
    except ManifestError as exc:
        raise KnownError(f"{path} is damaged: {exc}.") from None
    if manifest.schema_revision not in known_revisions():
        raise KnownError(
            f"{path} was made by a newer mesodesk (schema {manifest.schema_revision}); "
            "update mesodesk to import it."
        )
    _check_listing(path, names, manifest)
    return manifest


def _check_listing(path: Path, names: list[str], manifest: Manifest) -> None:
    """Every file of the zip is listed in the manifest and every listed file is there."""
    present = [n for n in names if not n.endswith("/")]  # folder entries carry nothing
    if len(set(present)) != len(present):
        raise KnownError(f"{path} is damaged: it holds two files of the same name.")
    expected = {table_member(table) for table in manifest.tables}
    for name, member in manifest.members.items():
        if name.startswith(ATTACHMENTS_FOLDER):
            if name != attachment_member(member.sha256):
                raise KnownError(f"{path} is damaged: {name} is not named by its hash.")
        elif name not in expected:
            raise KnownError(f"{path} is damaged: its manifest lists an unknown file {name}.")
    if unhashed := sorted(expected - manifest.members.keys()):
        raise KnownError(f"{path} is damaged: its manifest gives no hash for {unhashed[0]}.")
    if unlisted := sorted(set(present) - manifest.members.keys() - {MANIFEST_NAME}):
        raise KnownError(f"{path} is damaged: {unlisted[0]} is not listed in its manifest.")
    if missing := sorted(manifest.members.keys() - set(present)):
        raise KnownError(f"{path} is damaged: {missing[0]} is missing.")


def _work(manifest: Manifest) -> int:
    return manifest.rows + len(manifest.attachments)


def _step(manifest: Manifest) -> int:
    return max(1, _work(manifest) // 500)  # about a thousand calls for an import


@contextlib.contextmanager
def _open_member(path: Path, archive: zipfile.ZipFile, name: str) -> Iterator[IO[bytes]]:
    """Read one file of the archive; damage found while reading becomes a KnownError."""
    try:
        with archive.open(name) as stream:
            yield stream
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, RuntimeError) as exc:
        # RuntimeError: an encrypted file or an unknown compression; the others: a
        # damaged or cut-off zip (a wrong CRC, a broken deflate stream).
        raise KnownError(f"{path} is damaged: {name} cannot be read ({exc}).") from None
    except OSError as exc:
        raise KnownError(f"Cannot read {path}: {exc.strerror or exc}.") from None


def _chunks(path: Path, archive: zipfile.ZipFile, name: str, member: Member) -> Iterator[bytes]:
    """The bytes of one file of the archive; after the last, its hash and size are compared.

    Importing reads each file again through here, so what is loaded is what was checked
    even if the archive changed in between.
    """
    digest = hashlib.sha256()
    size = 0
    with _open_member(path, archive, name) as stream:
        while chunk := stream.read(CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
            yield chunk
    if size != member.size or digest.hexdigest() != member.sha256:
        raise KnownError(f"{path} is damaged: {name} does not match its hash in the manifest.")


def _line_batches(
    path: Path, archive: zipfile.ZipFile, name: str, member: Member
) -> Iterator[list[str]]:
    """The lines of a table's file, a chunk at a time, without their line breaks.

    Only ``\\n`` ends a row: U+2028 and other separators may sit inside a JSON string.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    rest = ""
    try:
        for chunk in _chunks(path, archive, name, member):
            lines = (rest + decoder.decode(chunk)).split("\n")
            rest = lines.pop()
            yield lines
        rest += decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise KnownError(f"{path} is damaged: {name} is not UTF-8 text.") from None
    if rest:
        raise KnownError(f"{path} is damaged: the last line of {name} is cut off.")


def _check_contents(
    path: Path, archive: zipfile.ZipFile, manifest: Manifest, ticker: Ticker
) -> None:
    for table, expected in manifest.tables.items():
        name = table_member(table)
        problem = None
        count = 0
        # Read to the end even after a bad line: a file that does not match its hash is
        # reported as damaged, which says more than the first line it garbled.
        for lines in _line_batches(path, archive, name, manifest.members[name]):
            if problem is None:
                problem = _first_bad_line(lines, count)
            count += len(lines)
            ticker.add(len(lines))
        if problem is not None:
            raise KnownError(f"{path} is damaged: line {problem[0]} of {name} {problem[1]}.")
        if count != expected:
            raise KnownError(
                f"{path} is damaged: {name} holds {count} rows, its manifest says {expected}."
            )
    for sha256 in manifest.attachments:
        name = attachment_member(sha256)
        for _chunk in _chunks(path, archive, name, manifest.members[name]):
            pass
        ticker.add()


def _first_bad_line(lines: list[str], before: int) -> tuple[int, str] | None:
    """The number of the first line that is not a JSON object, and what it is instead."""
    for number, line in enumerate(lines, before + 1):
        try:
            row = parse_json(line)
        except ValueError as exc:
            return number, f"is not valid JSON ({exc})"
        if type(row) is not dict:
            return number, "is not a JSON object"
    return None


# --- building the record -------------------------------------------------------------


def import_archive(
    archive: Path,
    target: Path,
    *,
    photos_dir: Path | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Make the record ``target`` from ``archive``: a new file, or in place of an empty one.

    A record that holds patients is refused before anything is written (merging is not
    supported). An empty record (a fresh start) is moved aside, as a restore does. Photo
    files go into ``photos_dir`` after their hashes are checked. A failure or a cancel at
    any point leaves ``target`` as it was and no temporary file behind.
    """
    archive, target = Path(archive), Path(target)
    _refuse_occupied(target)
    with _open_archive(archive) as opened:
        manifest = _read_manifest(archive, opened)
        ticker = Ticker(progress, 2 * _work(manifest), step=_step(manifest))
        _check_contents(archive, opened, manifest, ticker)
        built = _temporary_beside(target)
        added: list[Path] = []
        try:
            patients = _build(archive, opened, manifest, built, ticker)
            copied, present = _copy_attachments(
                archive, opened, manifest, photos_dir, added, ticker
            )
            ticker.finish()  # the last moment a cancel is heard: nothing is in place yet
            aside = _put_in_place(built, target)
        except BaseException:
            _remove_database(built)
            for photo in added:
                photo.unlink(missing_ok=True)
            raise
    return ImportSummary(
        target=target,
        schema_revision=manifest.schema_revision,
        migrated=manifest.schema_revision != head_revision(),
        rows=dict(manifest.tables),
        patients=patients,
        attachments_copied=copied,
        attachments_present=present,
        attachments_missing=(
            *manifest.missing_attachments,
            *(manifest.attachments if photos_dir is None else ()),
        ),
        moved_aside=aside,
    )


def _refuse_occupied(target: Path) -> None:
    """Refuse a target that holds patients or is open in mesodesk; a missing one is fine."""
    if not target.exists():
        return
    if (pid := holder_of_lock(target)) is not None and pid != os.getpid():
        raise KnownError(f"mesodesk is open on {target} (process {pid}); close it first.")
    try:
        if inspect_file(target) is None:  # an empty SQLite file; damaged or newer ones raise
            return
    except PasswordNeededError:
        raise KnownError(
            f"{target} is an encrypted record; import an archive into a new or empty record."
        ) from None
    with contextlib.closing(sqlite3.connect(readonly_uri(target), uri=True)) as conn:
        try:
            patients = int(conn.execute("SELECT count(*) FROM patient").fetchone()[0])
        except sqlite3.Error as exc:
            raise KnownError(f"Cannot read {target}: {exc}.") from None
    if patients:
        raise KnownError(
            f"{target} already holds {_count(patients, 'patient')}; import an archive into "
            "a new or empty record."
        )


def _temporary_beside(target: Path) -> Path:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".importing", dir=target.parent
        )
    except OSError as exc:
        raise KnownError(f"Cannot write in {target.parent}: {exc.strerror or exc}.") from None
    os.close(fd)
    return Path(name)


def _remove_database(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _bulk_settings(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # The file is new, seen by no one, and deleted if anything fails; it is synced before
    # it is put in place. So no write-ahead log and no sync per commit; foreign keys are
    # checked once at the end rather than on every row.
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=MEMORY")
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA foreign_keys=OFF")
    finally:
        cursor.close()


def _migrate(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _build(
    path: Path, archive: zipfile.ZipFile, manifest: Manifest, built: Path, ticker: Ticker
) -> int:
    """Fill the new file ``built``, check it, and return how many patients it holds."""
    engine = make_engine(built)
    event.listen(engine, "connect", _bulk_settings)  # after make_engine's own settings
    try:
        try:
            with engine.begin() as connection:
                _migrate(connection, manifest.schema_revision)
                tables = _tables_at(path, connection, manifest)
                indexes = _without_indexes(connection)
                # Rows are stored in a second thread while this one reads the next ones.
                with BackgroundWork(partial(_store, connection)) as writer:
                    for table in tables:
                        _load_table(path, archive, manifest, table, writer, ticker)
                for create in indexes:
                    connection.exec_driver_sql(create)
                if manifest.schema_revision != head_revision():
                    _migrate(connection, "head")
        except SQLAlchemyError as exc:
            raise KnownError(_storage_problem(path, built, exc)) from None
        return _check_built(path, engine, built)
    finally:
        engine.dispose()


def _without_indexes(connection: Connection) -> list[str]:
    """Drop the new file's indexes and return the SQL that makes them again.

    Building each index once, after the rows are in, is much faster than keeping every
    index up to date row by row (the demo practice is written the same way). SQLite's
    own indexes of UNIQUE constraints stay; a unique index made again still refuses
    duplicate rows. A large page cache helps the sorting.
    """
    connection.exec_driver_sql("PRAGMA cache_size=-131072")  # 128 MB, this connection
    found = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    ).all()
    for name, _ in found:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    return [create for _, create in found]


def _storage_problem(path: Path, built: Path, exc: SQLAlchemyError) -> str:
    cause = str(getattr(exc, "orig", None) or exc).splitlines()[0]
    if any(mark in cause.lower() for mark in ("disk is full", "disk i/o", "readonly")):
        return f"The record could not be written in {built.parent}: {cause}."
    return f"{path} cannot be imported: its rows break the record's rules ({cause})."


def _tables_at(path: Path, connection: Connection, manifest: Manifest) -> list[Table]:
    """The tables of the archive's schema, read from the new file, in the archive's order."""
    metadata = MetaData()
    metadata.reflect(connection)
    present = {name for name in metadata.tables if name not in SKIPPED_TABLES}
    if present != manifest.tables.keys():
        different = sorted(present ^ manifest.tables.keys())
        raise KnownError(
            f"{path} is damaged: its tables are not those of schema "
            f"{manifest.schema_revision} ({', '.join(different)})."
        )
    return [metadata.tables[name] for name in manifest.tables]


def _store(connection: Connection, batch: Batch) -> None:
    connection.exec_driver_sql(*batch)


def _load_table(
    path: Path,
    archive: zipfile.ZipFile,
    manifest: Manifest,
    table: Table,
    writer: BackgroundWork[Batch],
    ticker: Ticker,
) -> None:
    name = table_member(table.name)
    decoder = RowDecoder(table)
    # Plain tuples through the driver, as the audit trail's bulk writer does: Core's
    # per-row parameter handling would double the time of a large import.
    columns = ", ".join(f'"{column}"' for column in decoder.order)
    marks = ", ".join("?" * len(decoder.order))
    statement = f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})'
    number = 0
    for lines in _line_batches(path, archive, name, manifest.members[name]):
        rows = []
        for line in lines:
            number += 1
            try:
                rows.append(decoder.decode(line))
            except ValueError as exc:
                raise KnownError(
                    f"{path} cannot be imported: line {number} of {name}: {exc}."
                ) from None
        if rows:
            writer.put((statement, rows))
            ticker.add(len(rows))


def _check_built(path: Path, engine: Engine, built: Path) -> int:
    """The new file is whole, every reference resolves and the audit chain holds.

    SQLite's own checks run in a second thread while this one recomputes the chain.
    """
    with ThreadPoolExecutor(1) as pool:
        sqlite_checks = pool.submit(_sqlite_problem, path, built)
        with engine.connect() as connection:
            # Plain tuples straight from the driver, the time already as isoformat text:
            # a long trail is read several times faster than as objects or parsed rows.
            entries = connection.execution_options(yield_per=5000).exec_driver_sql(
                f"SELECT id, {isoformat_sql('at_utc')}, actor, action, table_name, row_key, "
                "before_json, after_json, reason, prev_hash, entry_hash "
                "FROM audit_entry ORDER BY id"
            )
            chain = verify_chain_rows(cast("Iterable[ChainRow]", entries))
            patients = connection.exec_driver_sql("SELECT count(*) FROM patient").scalar_one()
        problem = sqlite_checks.result()
    if problem is not None:
        raise KnownError(problem)
    if not chain.intact:
        raise KnownError(
            f"{path} cannot be imported: its audit trail was altered (entry "
            f"{chain.first_broken_id} does not match its hash)."
        )
    return int(patients)


def _sqlite_problem(path: Path, built: Path) -> str | None:
    with contextlib.closing(sqlite3.connect(built)) as conn:
        verdict = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if verdict != ["ok"]:
            return f"The record built from {path} failed its check ({verdict[0]})."
        orphan = conn.execute("PRAGMA foreign_key_check").fetchone()
    if orphan is not None:
        table, rowid, parent, _ = orphan
        return (
            f"{path} cannot be imported: {table} row {rowid} refers to a {parent} row that "
            "the archive does not hold."
        )
    return None


def _copy_attachments(
    path: Path,
    archive: zipfile.ZipFile,
    manifest: Manifest,
    photos_dir: Path | None,
    added: list[Path],
    ticker: Ticker,
) -> tuple[int, int]:
    """Put the archive's photo files in ``photos_dir``; return (copied, already there).

    ``added`` collects the files this import created, to remove them if it fails later.
    """
    copied = present = 0
    if photos_dir is None:
        ticker.add(len(manifest.attachments))
        return copied, present
    for sha256 in manifest.attachments:
        destination = photos_dir / sha256
        if destination.is_file() and file_sha256(destination) == sha256:
            present += 1
        else:
            existed = destination.exists()
            name = attachment_member(sha256)
            try:
                photos_dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise KnownError(f"Cannot make the photos folder {photos_dir}: {exc}.") from None
            with atomic_output(destination) as temporary, temporary.open("wb") as sink:
                for chunk in _chunks(path, archive, name, manifest.members[name]):
                    sink.write(chunk)
            if not existed:
                added.append(destination)
            copied += 1
        ticker.add()
    return copied, present


def _put_in_place(built: Path, target: Path) -> Path | None:
    """Sync the new file and give it the target's name; an empty record is moved aside."""
    with open(built, "rb+") as stream:
        os.fsync(stream.fileno())
    _refuse_occupied(target)  # again: the window may have been opened on it meanwhile
    aside = None
    if target.exists():
        stamp = dt.datetime.now().strftime(STAMP)
        aside = target.with_name(f"{target.stem}-before-import-{stamp}.sqlite")
        if aside.exists():
            raise KnownError(f"{aside} already exists; try again in a second.")
        try:
            move_record(target, aside)
        except OSError as exc:
            move_record(aside, target)
            raise KnownError(f"Cannot move {target} aside: {exc.strerror or exc}.") from None
    try:
        built.replace(target)
    except OSError as exc:
        if aside is not None:
            move_record(aside, target)
        raise KnownError(f"Cannot write {target}: {exc.strerror or exc}.") from None
    with contextlib.suppress(OSError):  # not every system lets a folder be synced
        folder = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    return aside
