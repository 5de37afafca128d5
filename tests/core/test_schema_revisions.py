"""The start-up's own reading of the schema revisions agrees with Alembic's.

mesodesk reads the revisions from the migration scripts as text so that a start needs
no Alembic (mesodesk.core.db.migrate); these tests hold that reading to Alembic's.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from mesodesk.core.db import open_database
from mesodesk.core.db.migrate import (
    alembic_config,
    current_revision,
    head_revision,
    known_revisions,
)


def test_head_and_known_revisions_are_alembics() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert head_revision() == script.get_current_head()
    assert known_revisions() == {r.revision for r in script.walk_revisions()}


def test_current_revision_is_alembics(tmp_path: Path) -> None:
    path = tmp_path / "record.sqlite"
    open_database(path, create=True, load_catalogues=False).close()
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        assert current_revision(connection) == head_revision()
        assert (
            current_revision(connection)
            == MigrationContext.configure(connection).get_current_revision()
        )
    engine.dispose()


def test_a_file_without_a_schema_has_no_revision(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    with engine.connect() as connection:
        assert current_revision(connection) is None
    engine.dispose()


def test_opening_an_up_to_date_record_does_not_import_alembic(tmp_path: Path) -> None:
    path = tmp_path / "record.sqlite"
    open_database(path, create=True).close()
    probe = (
        "import sys; from mesodesk.core.db import open_database; "
        f"open_database({str(path)!r}).close(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
