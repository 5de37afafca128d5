"""The command line as a script would use it: exit codes and one-line messages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mesodesk import __version__
from mesodesk.cli import main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mesodesk", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_version_prints_the_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"mesodesk {__version__}"


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("demo", "check"):
        assert command in out


def test_usage_error_exits_2_with_one_line() -> None:
    result = run("demo")  # --db is required
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "--db" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_command_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frobnicate"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "invalid choice" in err


def test_bad_patient_count_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--db", str(tmp_path / "x.sqlite"), "--patients", "zero"]) == 2
    assert "not a whole number" in capsys.readouterr().err
    assert not (tmp_path / "x.sqlite").exists()


def test_check_of_a_damaged_file_exits_1_with_one_line(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(b"this is not a database" * 100)
    before = damaged.read_bytes()
    result = run("check", "--db", str(damaged))
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert damaged.read_bytes() == before


def test_check_of_a_missing_file_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--db", str(tmp_path / "nowhere.sqlite")]) == 1
    assert "no mesodesk database" in capsys.readouterr().err.lower()


def test_check_of_a_good_database_exits_0(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "audit chain: ok" in out
    assert "integrity: ok" in out


def test_demo_writes_a_practice_that_checks_clean(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    result = run("demo", "--db", str(path), "--patients", "12", "--seed", "3")
    assert result.returncode == 0, result.stderr
    assert "12 patients" in result.stdout
    assert main(["check", "--db", str(path)]) == 0


def test_demo_refuses_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.sqlite"
    path.write_bytes(b"precious")
    result = run("demo", "--db", str(path))
    assert result.returncode == 1
    assert path.read_bytes() == b"precious"
    assert len(result.stderr.strip().splitlines()) == 1
