"""``glutefire screen``: film -> findings."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the ``screen`` command to ``app``."""
    app.command("screen")(screen)


def screen() -> None:
    """Screen one or more squat clips (work in progress)."""
    raise typer.Exit(code=1)
