"""Fetch the in-browser pose runtime that live mirror mode serves: MediaPipe Tasks for the web.

The live page runs BlazePose in the browser (no video leaves the device, the server does no
inference) with the npm package ``@mediapipe/tasks-vision`` (Apache-2.0): its ES module
``vision_bundle.mjs`` and the WebAssembly runtime ``wasm/vision_wasm_internal.{js,wasm}`` (the
SIMD build; every browser with WebAssembly SIMD runs it, the others use the server path). The
model is the same ``.task`` bundle the server uses (``scripts/build_pose_models.py``).

The tarball is fetched once from registry.npmjs.org (pinned version and sha256) and cached; the
files are written into ``src/glutefire/web/static/vendor/tasks-vision/`` (package data, not in
git) and checked against ``scripts/web_pose_manifest.json``. Nothing here runs
when glutefire runs. Usage::

    python scripts/build_web_pose.py [--cache build/npm]
"""

from __future__ import annotations

import argparse
import io
import json
import tarfile
from pathlib import Path

from build_pose_models import fetch_pinned, sha256  # this folder is on sys.path when run

ROOT = Path(__file__).resolve().parents[1]
VENDOR_DIR = ROOT / "src" / "glutefire" / "web" / "static" / "vendor"
OUT_DIR = VENDOR_DIR / "tasks-vision"
MANIFEST = ROOT / "scripts" / "web_pose_manifest.json"
LICENSE = ROOT / "src" / "glutefire" / "models" / "LICENSE"  # the Apache-2.0 text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=ROOT / "build" / "npm")
    args = parser.parse_args()
    manifest = json.loads(MANIFEST.read_text())
    source = manifest["source"]
    files: dict[str, str] = manifest["files"]
    if all((OUT_DIR / name).exists() for name in files) and all(
        sha256((OUT_DIR / name).read_bytes()) == digest for name, digest in files.items()
    ):
        return  # already built
    tarball = fetch_pinned(source["url"], source["sha256"], args.cache / Path(source["url"]).name)
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
        for name, digest in files.items():
            member = tar.extractfile(f"package/{name}")
            if member is None:
                raise SystemExit(f"error: {source['npm']} has no file {name}")
            data = member.read()
            if sha256(data) != digest:
                raise SystemExit(f"error: {name}: expected sha256 {digest}, got {sha256(data)}")
            (OUT_DIR / name).parent.mkdir(parents=True, exist_ok=True)
            (OUT_DIR / name).write_bytes(data)
    (OUT_DIR / "LICENSE").write_bytes(LICENSE.read_bytes())
    print(f"wrote {len(files)} files of {source['npm']} into {OUT_DIR.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
