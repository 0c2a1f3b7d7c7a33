"""The CLI imports a command's module only when that command runs; the map it uses to find
modules must name every command the modules register, and nothing else."""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

from glutefire.cli import COMMAND_MODULES, app, module_commands


def test_every_registered_command_is_in_the_map_under_its_module() -> None:
    registered = {
        name: module
        for module in set(COMMAND_MODULES.values())
        for name in module_commands(module).commands
    }
    assert registered == COMMAND_MODULES


def test_help_lists_every_command() -> None:
    out = CliRunner().invoke(app, ["--help"], terminal_width=200).output
    for name in COMMAND_MODULES:
        assert f" {name} " in out


def test_a_misspelt_command_is_refused_with_a_suggestion() -> None:
    result = CliRunner().invoke(app, ["scren"])
    assert result.exit_code == 2
    assert "screen" in result.output


def test_starting_the_cli_imports_no_heavy_stack() -> None:
    heavy = ("matplotlib", "sqlalchemy", "mediapipe", "scipy", "pandas", "fpdf", "fastapi", "cv2")
    code = f"import sys, glutefire.cli\nprint([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_screen_does_not_import_plotting_pdf_or_web() -> None:
    code = (
        "import sys, glutefire.cli.screen\n"
        "print([m for m in ('matplotlib', 'fpdf', 'fastapi', 'ray') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
