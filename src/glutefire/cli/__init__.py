"""The ``glutefire`` command line: a thin layer that parses, calls the library and renders.

Each command group lives in its own module with a ``register(app)`` function. Modules are
imported only when one of their commands runs (or help lists them), so ``glutefire screen``
does not pay for the plotting, PDF and web stacks at start-up (docs/benchmarks.md).
"""

from __future__ import annotations

import importlib

import typer
from typer import _click as click  # typer vendors click; TyperGroup's types come from this copy
from typer.core import TyperGroup

#: Command name -> the ``glutefire.cli`` module that registers it. A test checks this map
#: against what the modules register.
COMMAND_MODULES: dict[str, str] = {
    "screen": "screen",
    "schema": "screen",
    "check": "check",
    "batch": "batch",
    "eval": "evaluate",
    "intake": "program",
    "plan": "program",
    "log": "tracking",
    "progress": "tracking",
    "balance": "tracking",
    "import-log": "tracking",
    "export": "tracking",
    "import": "tracking",
    "people": "tracking",
    "history": "tracking",
    "handout": "tracking",
    "serve": "web",
    "web": "web",
}


def module_commands(module_name: str) -> TyperGroup:
    """The click group of the commands one ``glutefire.cli`` module registers."""
    module = importlib.import_module(f"glutefire.cli.{module_name}")
    sub = typer.Typer(pretty_exceptions_enable=False)
    module.register(sub)
    group = typer.main.get_group(sub)
    assert isinstance(group, TyperGroup)
    return group


class LazyCommands(TyperGroup):
    """A command group that imports a command's module on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            names = [COMMAND_MODULES[cmd_name]] if cmd_name in COMMAND_MODULES else []
            for module_name in names or sorted(set(COMMAND_MODULES.values())):
                for name, command in module_commands(module_name).commands.items():
                    self.commands.setdefault(name, command)
        return self.commands.get(cmd_name)


app = typer.Typer(
    name="glutefire",
    cls=LazyCommands,
    help="Screen squats for hip-dominant movement compensations, build corrective programs and "
    "track progress. A screening aid that describes movement patterns, not a diagnosis.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """glutefire: screen -> correct -> track -> re-screen."""


def main() -> None:
    """Console-script entry point."""
    app()
