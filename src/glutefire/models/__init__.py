"""The pose-model bundles shipped with glutefire (MediaPipe Tasks ``.task`` files, Apache-2.0).

They are built from the npm package ``@mediapipe/pose`` by ``scripts/build_pose_models.py``
(see LICENSE and NOTICE here); ``manifest.json`` records each bundle's expected sha256. Nothing
is ever downloaded at run time: a missing or altered bundle is a one-line error.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from enum import Enum

from glutefire.datafiles import read_packaged_bytes, read_packaged_text
from glutefire.errors import ModelUnavailableError


class PoseModel(str, Enum):
    """The BlazePose landmark model: lite (fastest), full (default), heavy (most accurate)."""

    LITE = "lite"
    FULL = "full"
    HEAVY = "heavy"


DEFAULT_POSE_MODEL = PoseModel.FULL


@dataclass(frozen=True)
class ModelBundle:
    """A loaded ``.task`` bundle: its bytes and their sha256 (hex)."""

    model: PoseModel
    file_name: str
    data: bytes
    sha256: str


def bundle_file_name(model: PoseModel) -> str:
    """File name of the bundle for ``model``."""
    return f"pose_landmarker_{PoseModel(model).value}.task"


def expected_sha256(model: PoseModel) -> str:
    """The sha256 the manifest records for ``model``'s bundle."""
    manifest = json.loads(read_packaged_text("manifest.json", package=__name__))
    return str(manifest["bundles"][bundle_file_name(model)]["sha256"])


def load_bundle(model: PoseModel | str) -> ModelBundle:
    """Read the bundle of ``model`` and check it against the manifest.

    Raises :class:`ModelUnavailableError` for an unknown name, a missing file (the package was
    installed without building the models) or a file whose checksum differs from the manifest.
    """
    try:
        model = PoseModel(model)
    except ValueError:
        choices = ", ".join(m.value for m in PoseModel)
        raise ModelUnavailableError(f"expected pose model {choices}, but got {model!r}") from None
    name = bundle_file_name(model)
    data = read_packaged_bytes(name, package=__name__)
    if data is None:
        raise ModelUnavailableError(
            f"pose model {model.value} ({name}) is not installed; build the bundles with "
            "`python scripts/build_pose_models.py` (or `make setup`) and reinstall glutefire"
        )
    digest = hashlib.sha256(data).hexdigest()
    if digest != expected_sha256(model):
        raise ModelUnavailableError(
            f"pose model {name} has sha256 {digest[:12]}..., not the {expected_sha256(model)[:12]}"
            "... of the manifest; rebuild it with `python scripts/build_pose_models.py --force`"
        )
    return ModelBundle(model=model, file_name=name, data=data, sha256=digest)
