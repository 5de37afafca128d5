"""A record made by an older mesodesk migrates with its data, after a verified backup."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text

from mesodesk.core.backups import default_folder, list_backups
from mesodesk.core.db import open_database
from mesodesk.core.db.migrate import alembic_config, head_revision


def test_a_first_schema_record_migrates_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(
            text(
                "INSERT INTO patient (file_number, family_name, given_names, date_of_birth, sex,"
                " phone, email, address, notes, archived, created_at, family_key, given_key,"
                " phone_digits) VALUES ('2025-0001', 'Dubois', 'Hélène', '1984-05-12', 'female',"
                " '', '', '', '', 0, '2025-01-01 00:00:00', 'dubois', 'helene', '')"
            )
        )
    engine.dispose()
    db = open_database(path)
    try:
        with db.read() as session:
            revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
            names = session.execute(text("SELECT given_names FROM patient")).scalars().all()
            tables = session.execute(text("SELECT name FROM sqlite_master")).scalars().all()
        assert revision == head_revision()
        assert names == ["Hélène"]
        assert "protocol_template" in tables
    finally:
        db.close()
    [backup] = list_backups(default_folder(path))
    assert backup.kind == "before-migration"
    assert backup.taken_at.date() == dt.date.today()
    assert backup.counts() == (1, 0)


FIXTURES = Path(__file__).parents[1] / "fixtures"


def test_every_released_schema_migrates_with_its_data(tmp_path: Path) -> None:
    """Each file in tests/fixtures was written by a released schema (schema-NNNN.sqlite)."""
    import shutil

    released = sorted(FIXTURES.glob("schema-*.sqlite"))
    assert released, "keep a fixture database for every released schema"
    for fixture in released:
        path = tmp_path / fixture.name
        shutil.copyfile(fixture, path)
        db = open_database(path)
        try:
            with db.read() as session:
                row = session.execute(
                    text(
                        "SELECT p.given_names, c.planned_sessions FROM patient p "
                        "JOIN course c ON c.patient_id = p.id"
                    )
                ).one()
            assert tuple(row) == ("Hélène", 8), fixture.name
            if fixture.name >= "schema-0002.sqlite":  # protocol templates came with 0002
                with db.read() as session:
                    names = session.execute(text("SELECT name FROM protocol_template"))
                    assert names.scalars().all() == ["Cellulite thighs"], fixture.name
        finally:
            db.close()
