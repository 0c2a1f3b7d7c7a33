"""Build the three BlazePose ``.task`` bundles (lite, full, heavy) that glutefire ships.

No registry package ships a MediaPipe Tasks ``.task`` bundle for pose, but the npm package
``@mediapipe/pose`` (Apache-2.0) holds everything a bundle needs:

- ``pose_landmark_{lite,full,heavy}.tflite``: the landmark models (full is byte-identical to the
  one inside the mediapipe 0.10.21 wheel);
- ``pose_solution_packed_assets.data``: exactly ``pose_detection.tflite`` (bytes 0-2962288, per
  ``pose_solution_packed_assets_loader.js``).

The Tasks API reads the input normalisation from TFLite metadata, which these files lack, so it is
added with mediapipe's own ``metadata_writers`` (detector: mean = std = 127.5, i.e. [-1, 1];
landmarks: mean 0, std 255, i.e. [0, 1]). The two files are then zipped as
``pose_detector.tflite`` + ``pose_landmarks_detector.tflite``, 4-byte aligned and uncompressed as
``model_asset_bundle_utils.create_model_asset_bundle`` does, but with fixed timestamps so that the
bundles are byte-for-byte reproducible. ``src/glutefire/models/manifest.json`` records the sha256
of every input and output; the build fails if a bundle differs from it (``--update-manifest``
rewrites it after a deliberate change).

The tarball is fetched once from registry.npmjs.org (pinned version and sha256) and cached.
Nothing here runs when glutefire runs. Usage::

    python scripts/build_pose_models.py [--cache build/npm] [--force] [--update-manifest]
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import io
import json
import sys
import tarfile
import types
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODELS_DIR = ROOT / "src" / "glutefire" / "models"
MANIFEST = MODELS_DIR / "manifest.json"

NPM_PACKAGE = "@mediapipe/pose"
NPM_VERSION = "0.5.1675469404"
NPM_URL = f"https://registry.npmjs.org/{NPM_PACKAGE}/-/pose-{NPM_VERSION}.tgz"
NPM_SHA256 = "8bb349a7b3a3ba699df23be804ddd3b3eab810b50b15406894be257859388a84"

#: ``pose_detection.tflite`` inside the packed assets (offsets from the loader js).
DETECTOR_BYTES = (0, 2962288)
VARIANTS = ("lite", "full", "heavy")
#: Zip entry timestamp: the earliest a zip can hold, so the output never depends on the clock.
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)
#: Metadata parser version written into the models (normalisation units exist since 1.0.0).
MIN_PARSER_VERSION = "1.0.0"


def sha256(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def fetch_pinned(url: str, expected_sha256: str, cached: Path) -> bytes:
    """A pinned download, from the cache or ``url``; refuses a wrong checksum."""
    if cached.exists():
        data = cached.read_bytes()
    else:
        print(f"fetching {url}")
        with urllib.request.urlopen(url, timeout=120) as response:  # pinned URL, sha256 checked
            data = response.read()
    if sha256(data) != expected_sha256:
        raise SystemExit(f"error: {url}: expected sha256 {expected_sha256}, got {sha256(data)}")
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(data)
    return data


def fetch_tarball(cache_dir: Path) -> bytes:
    """The pinned npm tarball of ``@mediapipe/pose``."""
    return fetch_pinned(NPM_URL, NPM_SHA256, cache_dir / f"pose-{NPM_VERSION}.tgz")


def read_members(tarball: bytes) -> dict[str, bytes]:
    """The files of the npm package we need, by base name."""
    wanted = {f"pose_landmark_{v}.tflite" for v in VARIANTS} | {"pose_solution_packed_assets.data"}
    found: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
        for member in tar.getmembers():
            name = Path(member.name).name
            extracted = tar.extractfile(member) if name in wanted else None
            if extracted is not None:
                found[name] = extracted.read()
    missing = wanted - set(found)
    if missing:
        raise SystemExit(f"error: {NPM_URL} lacks {sorted(missing)}")
    return found


def _install_version_shim() -> None:
    """mediapipe >= 1.2 wheels lack the ``_pywrap_metadata_version`` extension that the metadata
    populator imports; it only computes the minimum parser version, so provide a constant."""
    parent = "mediapipe.tasks.cc.metadata.python"
    name = f"{parent}._pywrap_metadata_version"
    if name in sys.modules:
        return
    shim = types.ModuleType(name)
    shim.GetMinimumMetadataParserVersion = lambda _buf: MIN_PARSER_VERSION  # type: ignore[attr-defined]
    child: types.ModuleType = shim
    parts = parent.split(".")
    for depth in range(len(parts), 2, -1):  # mediapipe.tasks exists; cc and below do not
        package_name = ".".join(parts[:depth])
        package = sys.modules.get(package_name) or types.ModuleType(package_name)
        package.__path__ = []  # a namespace-like package with nothing on disk
        setattr(package, child.__name__.rsplit(".", 1)[1], child)
        sys.modules[package_name] = package
        child = package
    sys.modules[name] = shim


def with_normalisation(model: bytes, *, mean: float, std: float, name: str) -> bytes:
    """``model`` with image-input metadata (RGB, ``(pixel - mean) / std``) added."""
    _install_version_shim()
    from mediapipe.tasks.python.metadata import metadata
    from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer

    writer = metadata_writer.MetadataWriter.create(bytearray(model))
    writer.add_general_info(name, "BlazePose (Apache-2.0), from npm @mediapipe/pose "
                                  f"{NPM_VERSION}; normalisation metadata added by glutefire")
    writer.add_image_input(norm_mean=[mean], norm_std=[std])
    populator = metadata.MetadataPopulator.with_model_buffer(writer._model_buffer)
    populator.load_metadata_buffer(_metadata_buffer(writer))
    populator.populate()
    out = bytes(populator.get_model_buffer())
    del populator, writer
    gc.collect()  # their temporary folders, now, not at interpreter exit
    return out


def _metadata_buffer(writer: object) -> bytearray:
    """The metadata flatbuffer the writer would populate (its JSON display step is skipped: it
    needs a native library that is not part of every wheel)."""
    from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer as mw

    return mw._create_metadata_buffer(  # same call as MetadataWriter.populate()
        model_buffer=writer._model_buffer,  # type: ignore[attr-defined]
        general_md=writer._general_md,  # type: ignore[attr-defined]
        input_md=writer._input_mds,  # type: ignore[attr-defined]
        output_md=writer._output_mds,  # type: ignore[attr-defined]
        input_process_units=writer._input_process_units,  # type: ignore[attr-defined]
        custom_metadata_md=writer._custom_metadata_mds,  # type: ignore[attr-defined]
        output_group_md=writer._output_group_mds,  # type: ignore[attr-defined]
    )


def bundle(files: dict[str, bytes]) -> bytes:
    """A model asset bundle (uncompressed, 4-byte aligned zip) with fixed timestamps."""
    from mediapipe.tasks.python.metadata.metadata_writers.model_asset_bundle_utils import (
        AlignZipFile,
    )

    buffer = io.BytesIO()
    with AlignZipFile(buffer, mode="w", alignment=4) as zf:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return buffer.getvalue()


def build(members: dict[str, bytes]) -> dict[str, bytes]:
    """The three bundles, by file name."""
    start, end = DETECTOR_BYTES
    detector = with_normalisation(members["pose_solution_packed_assets.data"][start:end],
                                  mean=127.5, std=127.5, name="pose_detector")
    out: dict[str, bytes] = {}
    for variant in VARIANTS:
        landmarks = with_normalisation(members[f"pose_landmark_{variant}.tflite"],
                                       mean=0.0, std=255.0, name=f"pose_landmarks_{variant}")
        out[f"pose_landmarker_{variant}.task"] = bundle(
            {"pose_detector.tflite": detector, "pose_landmarks_detector.tflite": landmarks})
    return out


def manifest_for(members: dict[str, bytes], bundles: dict[str, bytes]) -> dict[str, object]:
    """What the manifest records: the source, its inputs and every bundle's sha256 and size."""
    return {
        "source": {"npm": f"{NPM_PACKAGE}@{NPM_VERSION}", "url": NPM_URL, "sha256": NPM_SHA256,
                   "license": "Apache-2.0"},
        "inputs": {name: sha256(data) for name, data in sorted(members.items())},
        "bundles": {name: {"sha256": sha256(data), "bytes": len(data)}
                    for name, data in sorted(bundles.items())},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=ROOT / "build" / "npm")
    parser.add_argument("--force", action="store_true", help="rebuild even if bundles match")
    parser.add_argument("--update-manifest", action="store_true",
                        help="write the manifest from this build instead of checking against it")
    args = parser.parse_args()
    expected = json.loads(MANIFEST.read_text()) if MANIFEST.exists() else None
    if expected and not args.force and not args.update_manifest and _up_to_date(expected):
        print(f"pose models up to date in {MODELS_DIR.relative_to(ROOT)}")
        return 0
    members = read_members(fetch_tarball(args.cache))
    bundles = build(members)
    actual = manifest_for(members, bundles)
    if not args.update_manifest and expected != actual:
        print(f"error: the built bundles differ from {MANIFEST.relative_to(ROOT)}:\n"
              f"expected {json.dumps(expected, indent=1)}\ngot {json.dumps(actual, indent=1)}\n"
              "rerun with --update-manifest if the change is deliberate", file=sys.stderr)
        return 2
    for name, data in bundles.items():
        (MODELS_DIR / name).write_bytes(data)
        print(f"wrote {name} ({len(data) / 1e6:.1f} MB, sha256 {sha256(data)[:12]})")
    if args.update_manifest:
        MANIFEST.write_text(json.dumps(actual, indent=2) + "\n")
    return 0


def _up_to_date(expected: dict[str, object]) -> bool:
    bundles = expected.get("bundles")
    assert isinstance(bundles, dict)
    for name, entry in bundles.items():
        path = MODELS_DIR / name
        if not path.exists() or sha256(path.read_bytes()) != entry["sha256"]:
            return False
    return True


if __name__ == "__main__":
    sys.exit(main())
