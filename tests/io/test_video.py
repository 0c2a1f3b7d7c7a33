import av
import cv2
import numpy as np
import pytest

from clips import cut_bytes, encode_clip, sample_frames, stored_rotated, vfr_times
from conftest import SQUAT_FRONT
from glutefire.errors import InputFileError
from glutefire.io.video import (
    QUEUE_FRAMES,
    DecodeReport,
    PreviewWriter,
    VideoWriter,
    iter_frames,
    probe_video,
    read_frame,
    sha256_of,
    shrink,
)


def test_probe_reads_metadata():
    info = probe_video(SQUAT_FRONT)
    assert (info.width_px, info.height_px, info.fps, info.n_frames) == (960, 540, 25.0, 250)
    assert info.duration_s == pytest.approx(10.0)


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "no such file"),
        (b"not a video at all", "not a readable video"),
        (b"", "not a readable"),
    ],
)
def test_probe_rejects_bad_files(tmp_path, content, message):
    path = tmp_path / "clip.mp4"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputFileError, match=message):
        probe_video(path)


def test_directory_is_not_a_video(tmp_path):
    with pytest.raises(InputFileError, match="directory"):
        probe_video(tmp_path)


def test_frames_stream_in_order_and_stop_early():
    seen = []
    for index, frame in iter_frames(SQUAT_FRONT):
        seen.append(index)
        assert frame.shape == (540, 960, 3)
        if index == 2 * QUEUE_FRAMES:
            break
    assert seen == list(range(2 * QUEUE_FRAMES + 1))


def test_sha256_matches_sample_readme():
    assert sha256_of(SQUAT_FRONT) == (
        "b2d404a4794a434ed45daafbb6d796f1166adeef27900645b86bbf6447cf1376"
    )


# --- Clips as phones write them (derived from the samples with PyAV in a temp folder) ------------


@pytest.fixture(scope="module")
def front_2s():
    """The first 2 s of the front sample (25 fps, 960x540), upright, and its frame rate."""
    return sample_frames(SQUAT_FRONT, stop_s=2.0)


def _mean_abs_diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(int) - b.astype(int)).mean())


@pytest.mark.parametrize(
    "rotation_deg, codec, name",
    [
        (90, "libx264", "rotation_tag.mp4"),  # a plain rotation tag on an H.264 MP4
        (270, "libx265", "iphone.mov"),  # iPhone style: HEVC in QuickTime, display matrix -90 deg
        (180, "libx264", "upside_down.mp4"),
    ],
)
def test_rotation_metadata_gives_upright_frames(tmp_path, front_2s, rotation_deg, codec, name):
    frames, fps = front_2s
    clip = encode_clip(
        tmp_path / name,
        stored_rotated(frames, rotation_deg),
        fps=fps,
        codec=codec,
        rotation_deg=rotation_deg,
        options={"x265-params": "log-level=none"} if codec == "libx265" else None,
    )
    info = probe_video(clip)
    assert (info.width_px, info.height_px, info.rotation_deg) == (960, 540, rotation_deg)
    decoded = dict(iter_frames(clip))
    assert len(decoded) == len(frames)
    for i in (0, 25, len(frames) - 1):
        assert decoded[i].shape == frames[i].shape
        assert _mean_abs_diff(decoded[i], frames[i]) < 6  # same picture (up to compression)
        assert _mean_abs_diff(read_frame(clip, i), decoded[i]) == 0  # keyframes agree


def _time_coded(n: int, fps: float) -> list[np.ndarray]:
    """Frames whose grey level encodes their own time: level = 10 + 100 * t (t in s)."""
    return [np.full((64, 96, 3), 10 + 100 * i / fps, np.uint8) for i in range(n)]


def test_variable_frame_rate_frames_sit_at_their_presentation_times(tmp_path):
    fps, n = 30.0, 60  # 2 s; between 0.5 and 1.5 s only every third frame is kept
    kept, times_s = vfr_times(n, fps, sparse_from_s=0.5, sparse_to_s=1.5, keep_every=3)
    source = _time_coded(n, fps)
    clip = encode_clip(
        tmp_path / "vfr.mp4",
        [source[i] for i in kept],
        fps=fps,
        times_s=times_s,
        options={"crf": "0"},
    )
    info = probe_video(clip)
    grid_fps = len(kept) / 2.0
    assert info.fps == pytest.approx(grid_fps, rel=0.02)
    report = DecodeReport()
    for index, frame in iter_frames(clip, report=report):
        shown_s = (float(frame.mean()) - 10) / 100
        # the frame shown at grid time index / fps is the latest one presented by then
        # (within half a grid step, and never more than the sparse gap of 3 / 30 s behind)
        assert abs(shown_s - index / info.fps) <= 3 / fps + 0.5 / info.fps + 0.02, index
    assert report.frames_emitted == pytest.approx(info.n_frames, abs=1)
    assert report.frames_repeated > 0 and report.frames_dropped > 0
    assert _mean_abs_diff(read_frame(clip, 30), dict(iter_frames(clip))[30]) == 0


def test_av1_decodes(tmp_path, front_2s):
    frames, fps = front_2s
    clip = encode_clip(
        tmp_path / "av1.mkv",
        frames,
        fps=fps,
        codec="libsvtav1",
        options={"svtav1-params": "log-level=0"},
    )
    info = probe_video(clip)
    assert info.codec in {"libdav1d", "av1"} and info.n_frames == len(frames)
    decoded = dict(iter_frames(clip))
    assert len(decoded) == len(frames)
    assert _mean_abs_diff(decoded[25], frames[25]) < 6


def test_file_cut_at_80_percent_warns_what_was_decoded(tmp_path):
    clip = cut_bytes(SQUAT_FRONT, tmp_path / "cut.mp4", 0.8)
    info = probe_video(clip)  # the index is at the front: the header still says 10 s
    assert info.duration_s == pytest.approx(10.0)
    report = DecodeReport()
    n = sum(1 for _ in iter_frames(clip, report=report))
    assert 150 < n < 240
    (warning,) = report.warnings(info)
    assert "decoding stopped early" in warning and f"screened 0.0-{n / 25:.1f} s" in warning
    assert "of the 10.0 s the file declares" in warning


def test_complete_file_has_no_warning():
    report = DecodeReport()
    n = sum(1 for _ in iter_frames(SQUAT_FRONT, report=report))
    assert n == 250 and report.warnings(probe_video(SQUAT_FRONT)) == []


def test_ffmpeg_prints_nothing(tmp_path, capfd):
    damaged = bytearray(SQUAT_FRONT.read_bytes())
    damaged[200_000:260_000] = bytes(60_000)  # a run of zeros inside the video data
    clip = tmp_path / "damaged.mp4"
    clip.write_bytes(bytes(damaged))
    garbage = tmp_path / "garbage.mp4"
    garbage.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(5000))
    capfd.readouterr()
    sum(1 for _ in iter_frames(clip))
    with pytest.raises(InputFileError):
        probe_video(garbage)
    assert capfd.readouterr().err == ""


def test_writer_makes_browser_playable_h264(tmp_path, front_2s):
    frames, fps = front_2s
    path = tmp_path / "out.mp4"
    with VideoWriter(path, fps=fps, size_px=(960, 540)) as writer:
        for frame in frames:
            writer.write(frame)
    info = probe_video(path)
    assert (info.codec, info.n_frames, info.fps) == ("h264", len(frames), fps)
    with av.open(str(path)) as container:
        assert container.streams.video[0].codec_context.pix_fmt == "yuv420p"
    assert path.read_bytes()[:64].find(b"moov") > 0 or b"moov" in path.read_bytes()[:4096]


def test_failing_preview_never_raises(tmp_path):
    info = probe_video(SQUAT_FRONT)
    preview = PreviewWriter(tmp_path / "missing" / "dir" / "p.mkv", info, max_side_px=320)
    for _, frame in zip(range(3), iter_frames(SQUAT_FRONT), strict=False):
        preview(frame[1])
    preview.close()
    assert not preview.usable and "No such file" in preview.failure


def test_damaged_packets_are_skipped_and_reported_with_their_time_range(tmp_path):
    damaged = bytearray(SQUAT_FRONT.read_bytes())
    damaged[200_000:260_000] = bytes(60_000)
    clip = tmp_path / "damaged.mp4"
    clip.write_bytes(bytes(damaged))
    report = DecodeReport()
    indices = [i for i, _ in iter_frames(clip, report=report)]
    assert indices == list(range(250))  # the grid stays whole: times are not shifted
    (warning,) = report.warnings(probe_video(clip))
    assert f"damaged.mp4: {report.bad_packets} damaged video packets between " in warning
    assert report.bad_packets > 0 and 0 < report.bad_from_s < report.bad_to_s <= 10.0


@pytest.mark.parametrize("size", [(480, 270), (320, 180), (960, 540), (100, 57), (958, 538)])
def test_shrink_matches_area_resampling_at_the_requested_size(size):
    frame = read_frame(SQUAT_FRONT, 40)  # 960 x 540
    small = shrink(frame, size)
    assert small.shape == (size[1], size[0], 3) and small.dtype == np.uint8
    if size != (960, 540):
        reference = cv2.resize(frame, size, interpolation=cv2.INTER_AREA)
        assert cv2.PSNR(small, reference) > 35  # the same picture, up to fine detail
    else:
        assert small is frame  # nothing to do
