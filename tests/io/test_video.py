import pytest

from conftest import SQUAT_FRONT
from glutefire.errors import InputFileError
from glutefire.io.video import QUEUE_FRAMES, iter_frames, probe_video, sha256_of


def test_probe_reads_metadata():
    info = probe_video(SQUAT_FRONT)
    assert (info.width_px, info.height_px, info.fps, info.n_frames) == (960, 540, 25.0, 250)
    assert info.duration_s == pytest.approx(10.0)


@pytest.mark.parametrize("content, message", [
    (None, "no such file"), (b"not a video at all", "not a readable video"), (b"", "not a readable")
])
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
        "b2d404a4794a434ed45daafbb6d796f1166adeef27900645b86bbf6447cf1376")
