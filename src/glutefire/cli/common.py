"""Helpers shared by the command modules: one-line errors, the console, and the options that
several commands take (database, person, JSON result, pose model, output folder, view)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from glutefire.errors import DatabaseError, GlutefireError
from glutefire.models import PoseModel

console = Console()
err_console = Console(stderr=True)


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn a :class:`GlutefireError` into one red line on stderr and a non-zero exit."""
    try:
        yield
    except GlutefireError as exc:
        err_console.print(
            f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True
        )
        raise typer.Exit(code=exc.exit_code) from None


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (default: $GLUTEFIRE_DATABASE_URL, else a SQLite file "
        "in your user data folder).",
    ),
]

StoreAsOption = Annotated[
    str | None,
    typer.Option("--person", "-p", help="Store the result in the database under this person."),
]


NewPersonOption = Annotated[
    bool,
    typer.Option(
        "--new-person",
        help="Allow --person to name someone not stored yet (a typo is refused without it).",
    ),
]


JsonOption = Annotated[
    Path | None, typer.Option("--json", help="Write the JSON result here.", dir_okay=False)
]

ModelOption = Annotated[
    PoseModel,
    typer.Option(
        help="BlazePose model: lite (fastest), full, heavy (most accurate); all bundled, offline."
    ),
]


def out_folder_option(help_text: str) -> Any:
    """The ``--out`` option of a command that writes several files into a folder.

    ``help_text`` says what the command writes there (it differs per command).
    """
    return typer.Option("--out", help=help_text, file_okay=False)


def view_option(help_tail: str) -> Any:
    """The ``--view`` option that forces the camera view instead of detecting it.

    ``help_tail`` ends the help text with what this command accepts.
    """
    return typer.Option("--view", help=f"Force the camera view instead of detecting it{help_tail}")


def require_person(uow: Any, name: str, *, new_person: bool) -> None:
    """Refuse an unknown ``name`` unless ``new_person``: a typo must not create a new person."""
    from glutefire.store.repository import find_person, get_person

    if not new_person and find_person(uow, name) is None:
        try:
            get_person(uow, name)
        except GlutefireError as exc:
            raise type(exc)(f"{exc}; add --new-person to create them") from None


@contextlib.contextmanager
def database(db: str | None) -> Iterator[Engine]:
    """Open (and upgrade) the database; a write that races another process is one clear line."""
    from glutefire.store.engine import open_database
    from glutefire.store.settings import resolve_database_url

    engine = open_database(resolve_database_url(db))
    try:
        yield engine
    except IntegrityError:
        raise DatabaseError(
            "expected to be the only writer of these records, but another glutefire process "
            "stored the same ones at the same time; nothing was saved, run the command again"
        ) from None
    finally:
        engine.dispose()
