"""Which pose tracker an exercise check uses: one body for standing exercises (the screening's
fast path), several for floor exercises (MediaPipe re-detects every frame; a side-lying body's
landmarks drift when followed alone, measured on the side plank sample)."""

import pytest

import glutefire.screening.pipeline as pipeline
from conftest import SAMPLES
from glutefire.exercises.check import FLOOR_TRACKED_POSES, tracked_poses_for
from glutefire.exercises.spec import get_exercise
from glutefire.pose.mediapipe_backend import TRACKED_POSES, PoseModels


@pytest.mark.parametrize(
    ("exercise", "expected"),
    [
        ("side_plank", FLOOR_TRACKED_POSES),
        ("glute_bridge", FLOOR_TRACKED_POSES),
        ("forearm_plank", FLOOR_TRACKED_POSES),
        ("hip_hinge", TRACKED_POSES),
        ("reverse_lunge", TRACKED_POSES),
    ],
)
def test_tracker_follows_more_bodies_only_for_floor_exercises(exercise, expected):
    assert tracked_poses_for(get_exercise(exercise)) == expected
    assert FLOOR_TRACKED_POSES > TRACKED_POSES == 1


class Made(Exception):
    """Raised by the stand-in factory: the models it was asked for."""


def test_models_following_another_number_of_bodies_are_not_reused(monkeypatch):
    def factory(model, *, tracked_poses):
        raise Made(tracked_poses)

    monkeypatch.setattr(pipeline, "make_pose_models", factory)
    given = PoseModels(tracker=None, detector=None, model="full", tracked_poses=1)  # type: ignore[arg-type]
    clip = pipeline.ClipInput(SAMPLES / "side_plank_pexels_6023266.mp4")
    with pytest.raises(Made) as made:
        pipeline.estimate_keypoints(clip, pose_models=given, tracked_poses=3)
    assert made.value.args == (3,)


def test_clips_of_several_exercises_share_one_model_set_per_kind_of_tracker(monkeypatch):
    import glutefire.exercises.check as check

    made, used = [], []

    class Models:
        def __init__(self, tracked_poses):
            self.tracked_poses, self.closed = tracked_poses, False

        def close(self):
            self.closed = True

    def factory(model, *, tracked_poses):
        made.append(Models(tracked_poses))
        return made[-1]

    def fake_check(exercise, clip, *, model, pose_models):
        used.append((exercise, pose_models))

    monkeypatch.setattr(check, "make_pose_models", factory)
    monkeypatch.setattr(check, "check_exercise", fake_check)
    items = [
        (get_exercise("glute_bridge"), pipeline.ClipInput(SAMPLES / "a.mp4")),
        (get_exercise("hip_hinge"), pipeline.ClipInput(SAMPLES / "b.mp4")),
        (get_exercise("side_plank"), pipeline.ClipInput(SAMPLES / "c.mp4")),
        (get_exercise("glute_bridge"), pipeline.ClipInput(SAMPLES / "d.csv")),  # keypoints
    ]
    check.check_clips(items)
    assert sorted(m.tracked_poses for m in made) == [TRACKED_POSES, FLOOR_TRACKED_POSES]
    assert [e for e, _ in used] == ["glute_bridge", "hip_hinge", "side_plank", "glute_bridge"]
    bridge, hinge, plank, csv = (m for _, m in used)
    assert bridge is plank and bridge.tracked_poses == FLOOR_TRACKED_POSES
    assert hinge.tracked_poses == TRACKED_POSES and csv is None  # no model for a keypoint file
    assert all(m.closed for m in made)
