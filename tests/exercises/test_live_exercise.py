"""Live mirror mode for the exercises: the offline exercise analysis run on the newest landmarks,
frame by frame, on the real samples (pose model run once per sample) and on long synthetic sets
whose work per frame must not grow with their length."""

from __future__ import annotations

import json

import numpy as np
import pytest

import exercise_figures as fig
from conftest import BRIDGE, PLANK
from glutefire.exercises.analyse import analyse_exercise
from glutefire.exercises.check import FLOOR_TRACKED_POSES
from glutefire.exercises.live import LiveExerciseAnalyser
from glutefire.exercises.spec import get_exercise
from glutefire.reps.segment import Rep
from glutefire.screening.pipeline import ClipInput, estimate_keypoints
from glutefire.web.live import LiveSession, parse_landmarks
from webtools import ReplayBackend, landmarks_messages


def _stream_landmarks(ds, exercise: str) -> tuple[LiveSession, list[dict]]:
    session = LiveSession(ReplayBackend(ds), max_frames=ds.sizes["time"])
    session.set_exercise(exercise)
    return session, [
        session.process_landmarks(parse_landmarks(m))
        for m in map(json.dumps, landmarks_messages(ds))
    ]


def _stream_server(ds, exercise: str) -> tuple[LiveSession, list[dict]]:
    session = LiveSession(ReplayBackend(ds), max_frames=ds.sizes["time"])
    session.set_exercise(exercise)
    w, h = int(ds.attrs["image_width_px"]), int(ds.attrs["image_height_px"])
    image = np.zeros((h, w, 3), np.uint8)
    return session, [session.process(image, float(t)) for t in ds["time"].values]


@pytest.fixture(scope="module")
def real():
    """Raw keypoints of the two shared samples, estimated once as check (and live mode's server
    path) does for floor exercises: a tracker of several bodies."""
    return {
        name: estimate_keypoints(ClipInput(path=clip), tracked_poses=FLOOR_TRACKED_POSES).keypoints
        for name, clip in (("bridge", BRIDGE), ("plank", PLANK))
    }


@pytest.mark.slow
def test_live_bridge_counts_the_samples_two_reps_on_both_paths(real):
    ds = real["bridge"]
    offline = analyse_exercise(ds, get_exercise("glute_bridge"))
    assert offline.complete_reps == 2
    for stream in (_stream_landmarks, _stream_server):
        _, replies = stream(ds, "glute_bridge")
        counts = [r["reps"] for r in replies]
        assert counts[-1] == 2, stream.__name__
        assert counts == sorted(counts)  # counted live, never going back
        assert {r["counts"] for r in replies} == {"reps"}
        assert {r["exercise"] for r in replies} == {"glute_bridge"}
        assert replies[-1]["advice"] == ""  # a side view fits a bridge
        # the first rep's top is near 2.0 s: counted before the clip ends, not at the end
        first = next(i for i, c in enumerate(counts) if c >= 1)
        assert float(ds["time"].values[first]) < 4.5


@pytest.mark.slow
def test_live_side_plank_times_the_samples_hold(real):
    ds = real["plank"]
    _, replies = _stream_landmarks(ds, "side_plank")
    last = replies[-1]
    assert last["counts"] == "hold" and last["reps"] == 0
    assert last["hold_s"] == pytest.approx(7.4, abs=0.6)  # still held when the clip ends
    assert last["longest_hold_s"] == pytest.approx(last["hold_s"], abs=0.05)
    holds = [r["hold_s"] for r in replies if r["hold_s"] is not None]
    assert holds == sorted(holds)  # the running time ticks up frame by frame
    assert len(set(holds)) > 30
    assert replies[int(0.5 * len(replies))]["hold_s"] is not None  # timed while held


@pytest.mark.slow
def test_live_says_when_the_view_or_posture_does_not_fit(real):
    _, replies = _stream_landmarks(real["bridge"], "side_plank")
    assert "side view; a side plank is counted from front or oblique" in replies[-1]["advice"]
    assert "Film facing the person's chest" in replies[-1]["advice"]
    _, replies = _stream_landmarks(real["bridge"], "hip_hinge")
    assert "on the floor" in replies[-1]["advice"] and "done standing" in replies[-1]["advice"]
    assert replies[-1]["reps"] == 0


def test_live_cue_is_the_present_checks_cue():
    spec = get_exercise("glute_bridge")
    ds = fig.bridge(reach=0.5)  # hips only halfway up at the top
    analysis = analyse_exercise(ds, spec)
    assert "incomplete_hip_extension" in [
        o.spec.code for o in analysis.checks if o.status.value == "present"
    ]
    _, replies = _stream_landmarks(ds, "glute_bridge")
    cue = next(c.cue for c in spec.checks if c.code == "incomplete_hip_extension")
    assert replies[-1]["cue"] == cue and replies[-1]["reps"] == 3
    _, good = _stream_landmarks(fig.bridge(top_dev_deg=0.0), "glute_bridge")
    assert good[-1]["cue"] == "" and good[-1]["reps"] == 3


def _long_bridge_analysis(n_reps: int, window_s: float) -> tuple[list[int], list[int], int]:
    ds = fig.bridge(n_reps=n_reps)
    spec = get_exercise("glute_bridge")
    analyser = LiveExerciseAnalyser(spec, window_s=window_s, every_s=0.5)
    time_s = ds["time"].values
    counts, samples = [], []
    for i, t in enumerate(time_s):

        def window(start_s: float, i: int = i):
            return ds.isel(time=slice(int(np.searchsorted(time_s, start_s)), i + 1))

        state = analyser.update(float(t), window if i >= 1 else (lambda _s: None))
        counts.append(state.reps)
        samples.append(state.samples)
    return counts, samples, analyse_exercise(ds, spec).complete_reps


def test_live_exercise_work_per_frame_does_not_grow_with_the_set():
    """A set 4x longer than the window: each analysis reads at most the window's frames, the
    longest set no more than the shortest, and the count is the offline count."""
    window_s = 7.0
    short_counts, short_samples, short_offline = _long_bridge_analysis(3, window_s)
    long_counts, long_samples, long_offline = _long_bridge_analysis(12, window_s)
    assert short_counts[-1] == short_offline == 3
    assert long_counts[-1] == long_offline == 12
    assert long_counts == sorted(long_counts)
    window_frames = int(window_s * fig.FPS) + 1
    assert max(long_samples) <= window_frames
    assert max(long_samples) == max(short_samples) == window_frames
    analysed = [s for s in long_samples if s]
    assert len(analysed) <= len(long_samples) / (0.5 * fig.FPS) + 1  # one per 0.5 s at most


def test_live_hold_longer_than_the_window_is_timed_in_full():
    ds = fig.plank(hold_s=20.0)
    spec = get_exercise("forearm_plank")
    offline = analyse_exercise(ds, spec)
    analyser = LiveExerciseAnalyser(spec, window_s=6.0)
    time_s = ds["time"].values
    states = []
    for i, t in enumerate(time_s[1:], start=1):
        states.append(
            analyser.update(
                float(t),
                lambda s, i=i: ds.isel(time=slice(int(np.searchsorted(time_s, s)), i + 1)),
            )
        )
    assert offline.longest_hold_s == pytest.approx(20.0, abs=0.3)
    assert states[-1].longest_hold_s == pytest.approx(offline.longest_hold_s, abs=0.6)
    assert max(s.samples for s in states) <= 6.0 * fig.FPS + 1


def test_rep_tally_commits_reps_leaving_the_window_once():
    from glutefire.reps.live import RepTally

    def rep(i: int, start_s: float) -> Rep:
        return Rep(i, 0, 0, 0, start_s, start_s + 1.0, start_s + 2.0, True, 1.0)

    tally = RepTally()
    assert tally.update([rep(1, 1.0), rep(2, 4.0)], window_start_s=0.0, at_start=True) == 2
    # the window moved on: rep 1 is about to leave it (committed), rep 2 is still in it
    assert tally.update([rep(1, 1.0), rep(2, 4.0)], window_start_s=0.5, at_start=False) == 2
    # rep 1 left the window; the same rep 2, re-found a little later, is not counted twice
    assert tally.update([rep(1, 4.1)], window_start_s=3.0, at_start=False) == 2
    assert tally.update([rep(1, 4.1), rep(2, 8.0)], window_start_s=3.5, at_start=False) == 3
