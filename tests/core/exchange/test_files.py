"""Safe file names, atomic writes, neutralised cells and progress: shared by every export."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesodesk.core.errors import KnownError
from mesodesk.core.exchange.cells import neutralise
from mesodesk.core.exchange.files import atomic_output, safe_filename
from mesodesk.core.exchange.progress import Cancelled, Ticker


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Hélène Dubois", "Hélène Dubois"),
        ("../../etc/passwd", "_.._etc_passwd"),
        ('a/b\\c:d*e?f"g<h>i|j', "a_b_c_d_e_f_g_h_i_j"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("  ..hidden.  ", "hidden"),
        ("\u202eevil\u202c", "evil"),
        ("", "export"),
        ("///", "export"),
    ],
)
def test_file_names_from_patient_names_are_safe(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


@given(st.text())
def test_any_name_gives_a_name_without_separators(name: str) -> None:
    made = safe_filename(name)
    assert made
    assert "/" not in made and "\\" not in made and "\x00" not in made
    assert not made.startswith(".")
    assert len(made) <= 81


def test_a_finished_write_replaces_the_target(tmp_path: Path) -> None:
    target = tmp_path / "history.csv"
    target.write_text("old")
    with atomic_output(target) as temporary:
        assert temporary.parent == tmp_path and temporary != target
        temporary.write_text("new")
        assert target.read_text() == "old"
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["history.csv"]


def test_a_cancelled_write_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "history.csv"
    with pytest.raises(Cancelled), atomic_output(target) as temporary:
        temporary.write_text("half")
        raise Cancelled
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_is_said(tmp_path: Path) -> None:
    with pytest.raises(KnownError, match="does not exist"), atomic_output(tmp_path / "no" / "x"):
        pass


def test_an_unwritable_folder_is_said() -> None:
    # Nobody, root included, may create files in /proc.
    target = Path("/proc/history.csv")
    with pytest.raises(KnownError, match="Cannot write in /proc"), atomic_output(target):
        pass


@pytest.mark.parametrize("text", ["=1+1", "+33 6 12", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_are_neutralised(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["Dubois", "", "1+1", "a=b"])
def test_other_text_is_kept(text: str) -> None:
    assert neutralise(text) == text


def test_the_ticker_reports_in_steps_and_at_the_end() -> None:
    seen: list[tuple[int, int]] = []
    ticker = Ticker(lambda done, total: seen.append((done, total)), total=10, step=4)
    for _ in range(10):
        ticker.add()
    ticker.finish()
    assert seen == [(0, 10), (4, 10), (8, 10), (10, 10)]


def test_a_progress_function_cancels_by_raising() -> None:
    def cancel(done: int, _total: int) -> None:
        if done >= 2:
            raise Cancelled

    ticker = Ticker(cancel, total=5, step=1)
    ticker.add()
    with pytest.raises(Cancelled):
        ticker.add()
