"""Data files (rules, library, scales, policy): read and validate them in one way.

Every packaged data file lives in ``src/glutefire/data/``, except the pose-model bundles and
their manifest, which are built (not edited) into ``src/glutefire/models/`` and read with
:func:`read_packaged_bytes`. :func:`load_packaged` reads one and
validates it as a pydantic model; :func:`data_text` reads a packaged file or a user's replacement
(``path``), for loaders that accept one. Files shipped with the code that are not data
(the handout's template and fonts) are found with :func:`packaged_file`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from glutefire.errors import LibraryError

Model = TypeVar("Model", bound=BaseModel)


def format_validation_error(exc: ValidationError) -> str:
    """One line from the first pydantic error: where it is and what was expected."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "top level"
    message = first["msg"].removeprefix("Value error, ")
    return f"{where}: {message}"


def read_packaged_text(name: str, *, package: str = "glutefire.data") -> str:
    """The text of a data file shipped inside the package."""
    return resources.files(package).joinpath(name).read_text("utf-8")


def packaged_file(name: str, *, package: str) -> Path:
    """The path of a file shipped inside ``package`` that is not data (a template, a font):
    for readers that need a file name. The package is installed as files (no zip import)."""
    return Path(str(resources.files(package).joinpath(name)))


def read_packaged_bytes(name: str, *, package: str = "glutefire.data") -> bytes | None:
    """The bytes of a file shipped inside the package, or None when it is not installed."""
    path = resources.files(package).joinpath(name)
    return path.read_bytes() if path.is_file() else None


def data_text(name: str, path: Path | None = None) -> tuple[str, str]:
    """(text, origin) of the packaged file ``name``, or of the user's file at ``path``."""
    if path is None:
        return read_packaged_text(name), f"packaged {name}"
    return Path(path).read_text("utf-8"), str(path)


def parse_model(text: str, model: type[Model], *, origin: str) -> Model:
    """YAML (or JSON) text validated as ``model``; a :class:`LibraryError` names the problem."""
    try:
        return model.model_validate(yaml.safe_load(text))
    except ValidationError as exc:
        raise LibraryError(f"{origin}: {format_validation_error(exc)}") from None


def load_packaged(name: str, model: type[Model], *, package: str = "glutefire.data") -> Model:
    """Read and validate a packaged data file."""
    return parse_model(read_packaged_text(name, package=package), model, origin=f"packaged {name}")
