"""The command line: the window by default, and the jobs people script.

Usage errors exit 2 and bad data exits 1, each with one line on stderr and no
traceback; the window's own start-up problems are shown in dialogs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from mesodesk import __version__

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


PASSWORD_VARIABLE = "MESODESK_PASSWORD"


def record_password(path: Path) -> str | None:
    """An encrypted record's password: MESODESK_PASSWORD, else asked on a terminal.

    None for a plain (or missing) file, which needs none.
    """
    from mesodesk.core.db.cipher import NEEDS_PASSWORD, PasswordNeededError, looks_encrypted

    if not looks_encrypted(path):
        return None
    password = os.environ.get(PASSWORD_VARIABLE, "")
    if not password and sys.stdin is not None and sys.stdin.isatty():
        import getpass

        password = getpass.getpass(f"Password for {path.name}: ")
    if not password:
        raise PasswordNeededError(f"{NEEDS_PASSWORD} Set {PASSWORD_VARIABLE} or type it.")
    return password


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="mesodesk",
        description="An offline treatment record for mesotherapy practice. "
        "Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"mesodesk {__version__}")
    parser.add_argument("--db", type=Path, help="open this database file instead of the usual one")
    parser.add_argument(
        "--demo", action="store_true", help="open the window on a fresh demo practice"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    demo = commands.add_parser("demo", help="write a realistic demo practice to a new file")
    demo.add_argument("--db", type=Path, required=True, help="the new database file")
    demo.add_argument("--patients", type=_positive, default=60, help="how many (default 60)")
    demo.add_argument("--seed", type=int, default=1, help="the same seed gives the same data")
    demo.set_defaults(handler=_demo)

    check = commands.add_parser(
        "check", help="check a database: integrity, foreign keys, audit chain"
    )
    check.add_argument("--db", type=Path, required=True)
    check.set_defaults(handler=_check)

    backup = commands.add_parser("backup", help="write a verified copy of a database")
    backup.add_argument("--db", type=Path, required=True)
    backup.add_argument("--to", type=Path, required=True, metavar="DIR", help="the folder")
    backup.set_defaults(handler=_backup)

    restore = commands.add_parser(
        "restore", help="replace a database by a backup (the current file is moved aside)"
    )
    restore.add_argument("--db", type=Path, required=True)
    restore.add_argument("backup", type=Path, metavar="BACKUP")
    restore.set_defaults(handler=_restore)

    from mesodesk.cli_exchange import add_commands

    add_commands(commands)
    return parser


def _demo(args: argparse.Namespace) -> int:
    from mesodesk.core.demo import generate_demo

    report = generate_demo(args.db, patients=args.patients, seed=args.seed)
    print(report.summary())
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from mesodesk.core.db.health import check_database

    report = check_database(args.db, record_password(args.db))
    for line in report.lines():
        print(line)
    return EXIT_OK if report.ok else EXIT_DATA


def _backup(args: argparse.Namespace) -> int:
    from mesodesk.core.backups import make_backup
    from mesodesk.core.db.opening import inspect_file
    from mesodesk.core.errors import KnownError

    if not args.db.is_file():
        raise KnownError(f"There is no mesodesk database at {args.db}.")
    key = record_password(args.db)
    inspect_file(args.db, key)
    info = make_backup(args.db, args.to, key=key)
    patients, sessions = info.counts(key)
    print(f"Backup written to {info.path} ({patients} patients, {sessions} sessions, verified)")
    return EXIT_OK


def _restore(args: argparse.Namespace) -> int:
    from mesodesk.core.backups import restore_backup

    aside = restore_backup(args.db, args.backup, key=record_password(args.backup))
    print(f"Restored {args.backup} to {args.db}; the previous database was kept as {aside}")
    return EXIT_OK


def _open_window(args: argparse.Namespace) -> int:
    from mesodesk.ui.app import run_app

    return run_app(db_path=args.db, demo=args.demo)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    from mesodesk.core.errors import MesodeskError

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # --help and --version
        return int(exc.code or 0)
    handler: Callable[[argparse.Namespace], int] = getattr(args, "handler", _open_window)
    from mesodesk.cli_exchange import ExchangeUsageError

    try:
        return handler(args)
    except ExchangeUsageError as exc:
        print(
            f"mesodesk {args.command}: {exc} (see mesodesk {args.command} --help)", file=sys.stderr
        )
        return EXIT_USAGE
    except MesodeskError as exc:
        print(f"mesodesk: {exc}", file=sys.stderr)
        return EXIT_DATA
    except KeyboardInterrupt:
        print("mesodesk: interrupted", file=sys.stderr)
        return EXIT_DATA
