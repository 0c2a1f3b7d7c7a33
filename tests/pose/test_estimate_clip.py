"""The whole pose pass of a clip with scripted backends: search, follow, losing the subject,
re-selection recorded as a warning (never a silent jump to a bystander)."""

import cv2
import numpy as np
import pytest

import glutefire.pose.tracker as tracker_module
from glutefire.io.video import probe_video
from glutefire.landmarks import BLAZEPOSE_LANDMARKS
from glutefire.pose.backend import FramePose
from glutefire.pose.estimate import estimate_clip

FPS = 10.0
WIDTH, HEIGHT = 400, 300


def body(x0, y0, height):
    n = len(BLAZEPOSE_LANDMARKS)
    ys = y0 + np.linspace(0, height, n)
    xs = x0 + np.linspace(0, 0.3 * height, n)
    return FramePose(position_px=np.column_stack([xs, ys]), visibility=np.full(n, 0.9))


def blank_clip(path, n_frames):
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), FPS, (WIDTH, HEIGHT))
    for _ in range(n_frames):
        writer.write(np.zeros((HEIGHT, WIDTH, 3), np.uint8))
    writer.release()
    return probe_video(path)


class Scripted:
    """Backend whose people (x0, y0, height in image pixels) depend on the frame time."""

    name, version, keypoint_names = "scripted", "1", BLAZEPOSE_LANDMARKS

    def __init__(self, script):
        self.script = script

    def estimate_all(self, image, *, timestamp_ms=None):
        return [body(*p) for p in self.script(timestamp_ms or 0)]

    def reset(self):
        pass


@pytest.fixture(autouse=True)
def whole_image_crop(monkeypatch):
    """The tracker's crop is the whole image, so scripted image coordinates stay valid."""
    monkeypatch.setattr(
        tracker_module, "roi_for", lambda bbox, shape, **_: (0, 0, shape[1], shape[0])
    )


def test_subject_lost_then_bystander_is_reselected_with_a_warning(tmp_path):
    video = blank_clip(tmp_path / "c.mp4", 40)
    subject, bystander = (20, 40, 200), (250, 60, 180)

    def people(t_ms):  # the subject leaves at 1 s; a bystander is there from 1.5 s
        return ([subject] if t_ms < 1000 else []) + ([bystander] if t_ms >= 1500 else [])

    ds, report = estimate_clip(
        video, tracker_backend=Scripted(people), detector_backend=Scripted(people)
    )
    seen = np.isfinite(ds["position"].values[:, 0, 0])
    assert seen[:10].all()  # followed while present
    assert not seen[10:19].any()  # the bystander is not taken while the subject is < 1 s away
    assert len(report.warnings) == 1 and "subject lost" in report.warnings[0]
    assert seen[-5:].all()
    assert ds["position"].values[-1, 0, 0] == pytest.approx(250)  # now the re-chosen person


def test_a_taller_bystander_never_replaces_a_present_subject(tmp_path):
    video = blank_clip(tmp_path / "c.mp4", 30)
    subject, tall_bystander = (20, 40, 200), (220, 10, 280)
    scene = Scripted(lambda t: [subject] + ([tall_bystander] if t >= 500 else []))
    ds, report = estimate_clip(video, tracker_backend=scene, detector_backend=scene)
    assert np.allclose(ds["position"].values[:, 0, 0], 20)
    assert report.warnings == [] and report.people_seen == 1
