"""The shipped pose-model bundles: present, intact, reproducible, and usable from the CLI."""

import hashlib
import importlib.util
import json
import zipfile
from pathlib import Path

import pytest

from clips import derive_clip
from conftest import SQUAT_FRONT, run_cli
from glutefire.models import PoseModel, bundle_file_name, expected_sha256, load_bundle

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "src" / "glutefire" / "models"


def _build_script():
    spec = importlib.util.spec_from_file_location(
        "build_pose_models", ROOT / "scripts" / "build_pose_models.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("model", list(PoseModel))
def test_every_bundle_is_installed_and_matches_the_manifest(model):
    bundle = load_bundle(model)
    assert bundle.sha256 == expected_sha256(model)
    assert (
        bundle.sha256 == hashlib.sha256((MODELS / bundle_file_name(model)).read_bytes()).hexdigest()
    )
    with zipfile.ZipFile(MODELS / bundle_file_name(model)) as zf:
        assert sorted(zf.namelist()) == ["pose_detector.tflite", "pose_landmarks_detector.tflite"]


def test_bundles_differ_only_in_the_landmark_model():
    detectors = set()
    for model in PoseModel:
        with zipfile.ZipFile(MODELS / bundle_file_name(model)) as zf:
            detectors.add(hashlib.sha256(zf.read("pose_detector.tflite")).hexdigest())
    assert len(detectors) == 1


def test_bundle_packing_is_deterministic_and_aligned():
    build = _build_script()
    files = {"pose_detector.tflite": b"d" * 1001, "pose_landmarks_detector.tflite": b"l" * 77}
    first, second = build.bundle(files), build.bundle(files)
    assert first == second  # no clock in the output
    with zipfile.ZipFile(__import__("io").BytesIO(first)) as zf:
        for info in zf.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.compress_type == zipfile.ZIP_STORED
            data_offset = info.header_offset + 30 + len(info.filename) + len(info.extra)
            assert data_offset % 4 == 0  # mmap-able, as MediaPipe expects


def test_manifest_pins_the_npm_source():
    manifest = json.loads((MODELS / "manifest.json").read_text())
    build = _build_script()
    assert manifest["source"]["sha256"] == build.NPM_SHA256
    assert manifest["source"]["license"] == "Apache-2.0"
    assert (MODELS / "LICENSE").read_text().lstrip().startswith("Apache License")
    assert "@mediapipe/pose 0.5.1675469404" in (MODELS / "NOTICE").read_text()


@pytest.mark.slow
@pytest.mark.parametrize("model", ["lite", "heavy"])
def test_screen_with_each_model_offline_records_its_sha256(model, tmp_path):
    clip = derive_clip(SQUAT_FRONT, tmp_path / "short.mp4", stop_s=4.5)
    code, text = run_cli("screen", clip, "--model", model, "--json", tmp_path / "r.json", "-q")
    assert code == 0, text
    result = json.loads((tmp_path / "r.json").read_text())
    assert result["model"]["variant"] == model
    assert result["model"]["sha256"] == expected_sha256(PoseModel(model))
    bottoms = [r["bottom_s"] for r in result["reps"] if r["complete"]]
    assert bottoms[:1] == pytest.approx([0.9], abs=0.3)  # README: first bottom near 0.9 s
