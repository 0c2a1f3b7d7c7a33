"""The ``glutefire`` command line: a thin layer that parses, calls the library and renders.

Each command group lives in its own module with a ``register(app)`` function.
"""

from __future__ import annotations

import typer

from glutefire.cli import batch as _batch
from glutefire.cli import check as _check
from glutefire.cli import evaluate as _evaluate
from glutefire.cli import program as _program
from glutefire.cli import screen as _screen
from glutefire.cli import tracking as _tracking
from glutefire.cli import web as _web

app = typer.Typer(
    name="glutefire",
    help="Screen squats for hip-dominant movement compensations, build corrective programs and "
    "track progress. A screening aid that describes movement patterns, not a diagnosis.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """glutefire: screen -> correct -> track -> re-screen."""


for _module in (_screen, _check, _batch, _evaluate, _program, _tracking, _web):
    _module.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
