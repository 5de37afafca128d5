"""Schema versions: which revision a file is at, and bringing it to the newest.

Every start asks which revisions exist and which is the newest; Alembic answers by
importing itself and every migration script, a large share of a cold start, although
a file that is already up to date needs none of it. So the revisions are read from the
scripts' ``revision`` and ``down_revision`` lines as text, and a file's revision from
its ``alembic_version`` table; Alembic is imported only to migrate.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
VERSIONS = MIGRATIONS / "versions"
VERSION_TABLE = "alembic_version"
_ASSIGNMENT = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+?)\s*$", re.MULTILINE)


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@functools.cache
def revision_graph() -> dict[str, str | None]:
    """Each revision of the shipped scripts and the one it revises (None for the first)."""
    graph: dict[str, str | None] = {}
    for script in sorted(VERSIONS.glob("*.py")):
        found = dict(_ASSIGNMENT.findall(script.read_text(encoding="utf-8")))
        if "revision" not in found:
            continue
        down = ast.literal_eval(found.get("down_revision", "None"))
        if not (down is None or isinstance(down, str)):
            raise RuntimeError(f"{script.name}: a merge revision; mesodesk keeps one line")
        graph[str(ast.literal_eval(found["revision"]))] = down
    return graph


def known_revisions() -> set[str]:
    return set(revision_graph())


def head_revision() -> str:
    """The newest revision: the one no other revises (there must be exactly one)."""
    graph = revision_graph()
    heads = set(graph) - {down for down in graph.values() if down is not None}
    if len(heads) != 1:
        raise RuntimeError(f"the migrations have {len(heads)} heads: {sorted(heads)}")
    return heads.pop()


def current_revision(connection: Connection) -> str | None:
    """The revision the file is at; None for a file with no schema yet."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    if len(rows) > 1:
        raise RuntimeError(f"the file is at several revisions at once: {sorted(rows)}")
    return rows[0] if rows else None


def upgrade(connection: Connection) -> None:
    """Apply every migration the file lacks, in the connection's transaction."""
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
