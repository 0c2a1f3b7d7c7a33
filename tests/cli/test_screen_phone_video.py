"""Phone video as phones write it, screened through the CLI: rotation metadata (a plain rotation
tag, an iPhone-style HEVC .mov with a display matrix), variable frame rate, AV1, and a file cut
part-way. Clips are derived from the front sample with PyAV in a temp folder."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from clips import cut_bytes, encode_clip, sample_frames, stored_rotated, vfr_times
from conftest import SQUAT_FRONT, run_cli
from glutefire.io.video import probe_video

pytestmark = pytest.mark.slow
X265_QUIET = {"x265-params": "log-level=none"}


@pytest.fixture(scope="module")
def front_5s():
    """The first 5 s of the front sample (two complete reps, bottoms near 0.9 and 3.7 s)."""
    return sample_frames(SQUAT_FRONT, stop_s=5.0)


def _screen(tmp_path, clip):
    code, text = run_cli("screen", clip, "--json", tmp_path / "r.json", "-q")
    assert code == 0, text
    return json.loads((tmp_path / "r.json").read_text()), text


def _bottoms(result):
    return [r["bottom_s"] for r in result["reps"] if r["complete"]]


@pytest.mark.parametrize(
    "rotation_deg, codec, name, options",
    [
        (90, "libx264", "portrait_tagged.mp4", None),
        (270, "libx265", "iphone_portrait.mov", X265_QUIET),
    ],
)
def test_clip_stored_sideways_with_rotation_metadata_is_screened_upright(
    tmp_path, front_5s, rotation_deg, codec, name, options
):
    frames, fps = front_5s
    clip = encode_clip(
        tmp_path / name,
        stored_rotated(frames, rotation_deg),
        fps=fps,
        codec=codec,
        rotation_deg=rotation_deg,
        options=options,
    )
    result, _ = _screen(tmp_path, clip)
    assert result["view"] == "front"
    assert (result["input"][0]["width_px"], result["input"][0]["height_px"]) == (960, 540)
    assert _bottoms(result) == pytest.approx([0.9, 3.7], abs=0.3)


def test_variable_frame_rate_copy_keeps_the_bottom_times(tmp_path, screened_front):
    """Frames between 2 and 6 s thinned to every second one, their timestamps kept: times come
    from the timestamps, so the bottoms stay where the constant-rate original has them."""
    frames, fps = sample_frames(SQUAT_FRONT)
    kept, times_s = vfr_times(len(frames), fps, sparse_from_s=2.0, sparse_to_s=6.0)
    clip = encode_clip(tmp_path / "vfr.mp4", [frames[i] for i in kept], fps=fps, times_s=times_s)
    result, _ = _screen(tmp_path, clip)
    assert result["input"][0]["fps"] == pytest.approx(len(kept) / 10.0, rel=0.02)
    original = _bottoms(screened_front[0])
    assert len(original) >= 3
    assert _bottoms(result) == pytest.approx(original, abs=0.15)


def test_av1_clip_is_screened(tmp_path, front_5s):
    frames, fps = front_5s
    clip = encode_clip(
        tmp_path / "av1.mkv",
        frames,
        fps=fps,
        codec="libsvtav1",
        options={"svtav1-params": "log-level=0"},
    )
    result, text = _screen(tmp_path, clip)
    assert _bottoms(result) == pytest.approx([0.9, 3.7], abs=0.3)
    assert result["warnings"] == [] and "warning" not in text


def test_file_cut_at_80_percent_warns_and_says_what_was_screened(tmp_path):
    clip = cut_bytes(SQUAT_FRONT, tmp_path / "cut.mp4", 0.8)
    result, text = _screen(tmp_path, clip)
    (warning,) = result["warnings"]
    assert "cut.mp4: decoding stopped early" in warning
    assert "of the 10.0 s the file declares" in warning
    screened_s = float(warning.split("screened 0.0-")[1].split(" s")[0])
    assert 6.0 < screened_s < 9.5
    assert all(r["end_s"] <= screened_s + 0.05 for r in result["reps"])
    assert f"warning: {warning}" in " ".join(text.split())


def test_decoder_messages_never_surround_the_error_line(tmp_path):
    """A damaged file gives exactly one line on the terminal: the error (FFmpeg is silent)."""
    clip = cut_bytes(SQUAT_FRONT, tmp_path / "stub.mp4", 0.02)
    proc = subprocess.run(
        [sys.executable, "-c", "from glutefire.cli import main; main()", "screen", str(clip), "-q"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "not a readable video" in lines[0]


def test_annotated_video_is_small_browser_playable_h264(screened_3q):
    """Sized to its use: H.264 (plays in browsers), 720 px on the long side, the keypoints'
    frames one for one, and about 2 MB per minute (the MPEG-4 video before was 43 MB/min)."""
    result, out = screened_3q
    video = out / "clip0_annotated.mp4"
    info = probe_video(video)
    assert info.codec == "h264" and max(info.width_px, info.height_px) == 720
    assert info.n_frames == result["input"][0]["n_frames"]
    assert video.stat().st_size / (info.duration_s / 60) < 5e6
