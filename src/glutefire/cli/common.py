"""Helpers shared by the command modules: one-line errors and the console."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import typer
from rich.console import Console
from rich.markup import escape

from glutefire.errors import GlutefireError

console = Console()
err_console = Console(stderr=True)


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn a :class:`GlutefireError` into one red line on stderr and a non-zero exit."""
    try:
        yield
    except GlutefireError as exc:
        err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False,
                          soft_wrap=True)
        raise typer.Exit(code=exc.exit_code) from None
