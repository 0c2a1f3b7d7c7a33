"""Subject selection with a fake detector: who is analysed when several people are in view."""

import numpy as np
import pytest

from glutefire.errors import SeveralPeopleError
from glutefire.landmarks import BLAZEPOSE_LANDMARKS
from glutefire.pose.backend import FramePose
from glutefire.pose.search import find_candidates, find_hidden
from glutefire.pose.subject import (
    Candidate,
    SubjectFollower,
    SubjectPolicy,
    as_candidate,
    choose_subject,
    match_subject,
)
from glutefire.pose.tracker import SubjectTracker


def body(x0, y0, height, vis=0.9):
    """A fake person: landmarks spread over a box of ``height`` px at (x0, y0)."""
    n = len(BLAZEPOSE_LANDMARKS)
    ys = y0 + np.linspace(0, height, n)
    xs = x0 + np.linspace(0, 0.3 * height, n)
    return FramePose(position_px=np.column_stack([xs, ys]), visibility=np.full(n, vis))


def cand(pose):
    return Candidate(pose=pose, bbox_px=pose.bbox_px(), completeness=0.9)


class FakeDetector:
    """Image-mode detector that reports only the strongest not-yet-greyed-out person (as
    MediaPipe's detector suppresses a person next to a stronger one)."""

    def __init__(self, people):
        self.people = people
        self.calls = 0

    def estimate_all(self, image, *, timestamp_ms=None):
        self.calls += 1
        for p in self.people:
            x0, y0, x1, y1 = (int(v) for v in p.bbox_px())
            if image[(y0 + y1) // 2, (x0 + x1) // 2].sum() != 0:  # not greyed out yet
                return [p]
        return []


def test_find_hidden_greys_out_known_people_and_finds_the_rest():
    image = np.full((600, 800, 3), 0, np.uint8)
    image[100:500, 50:200] = 255
    image[300:450, 500:600] = 255
    image[50:60, 700:710] = 255  # a speck, too small to matter, keeps the median dark
    people = [body(50, 100, 400), body(500, 300, 150)]
    detector = FakeDetector(people)
    hidden = find_hidden(image, [as_candidate(people[0])], detector)
    assert [c.bbox_px for c in hidden] == [people[1].bbox_px()]
    assert detector.calls == 2  # found one, then nobody new


def test_find_hidden_stops_at_max_people():
    image = np.full((600, 800, 3), 0, np.uint8)
    people = [body(50, 100, 400), body(400, 100, 390), body(600, 100, 380)]
    for p in people:
        x0, y0, x1, y1 = (int(v) for v in p.bbox_px())
        image[y0:y1, x0:x1] = 255
    detector = FakeDetector(people)
    hidden = find_hidden(image, [as_candidate(people[0])], detector, max_people=2)
    assert len(hidden) == 1 and detector.calls == 1


def test_auto_picks_the_tallest_and_says_why():
    chosen, why = choose_subject(
        [cand(body(500, 300, 150)), cand(body(50, 100, 400))],
        policy=SubjectPolicy.AUTO,
        image_width_px=800,
    )
    assert chosen.height_px == pytest.approx(400)
    assert "tallest" in why and "1 other" in why


def test_auto_refuses_two_people_of_similar_size():
    with pytest.raises(SeveralPeopleError, match="--subject"):
        choose_subject(
            [cand(body(50, 100, 400)), cand(body(500, 110, 380))],
            policy=SubjectPolicy.AUTO,
            image_width_px=800,
        )


@pytest.mark.parametrize(
    "policy, x",
    [
        (SubjectPolicy.LEFT, 50),
        (SubjectPolicy.RIGHT, 500),
        (SubjectPolicy.CENTER, 500),
        (SubjectPolicy.LARGEST, 50),
    ],
)
def test_explicit_policies(policy, x):
    people = [cand(body(50, 100, 400)), cand(body(500, 110, 390))]
    chosen, _ = choose_subject(people, policy=policy, image_width_px=1100)
    assert chosen.bbox_px[0] == pytest.approx(x)


def test_match_takes_the_nearest_of_similar_size():
    subject = cand(body(300, 200, 400))
    near, far = cand(body(330, 210, 390)), cand(body(600, 200, 400))
    assert match_subject(subject, [far, near]) is near


def test_match_refuses_a_jump_or_a_different_size():
    subject = cand(body(300, 200, 400))
    assert match_subject(subject, [cand(body(600, 200, 400))]) is None  # 0.75 heights away
    assert match_subject(subject, [cand(body(300, 400, 150))]) is None  # much smaller


def follower(subject, lost_after_frames=3, policy=SubjectPolicy.LARGEST):
    return SubjectFollower(cand(subject), policy, 1000, lost_after_frames=lost_after_frames)


def test_follower_stays_with_the_subject_when_a_taller_bystander_appears():
    subject, bystander = body(100, 200, 300), body(600, 100, 500)
    f = follower(subject)
    for i in range(10):
        moved = body(100 + 5 * i, 200, 300)
        pose = f.follow([bystander, moved], i)
        assert pose is moved
    assert f.warnings == []


def test_follower_never_jumps_silently_to_a_bystander():
    subject, bystander = body(100, 200, 300), body(600, 100, 500)
    f = follower(subject, lost_after_frames=3)
    assert f.follow([bystander], 0) is None  # subject gone: nobody is analysed...
    assert f.follow([bystander], 1) is None
    assert f.warnings == []
    assert f.follow([bystander], 2) is bystander  # ...until re-chosen by policy, with a warning
    assert len(f.warnings) == 1 and "frame 2" in f.warnings[0]
    assert "lost for 3 frames" in f.warnings[0]


def test_follower_takes_the_subject_back_after_a_short_gap():
    subject = body(100, 200, 300)
    f = follower(subject, lost_after_frames=3)
    assert f.follow([], 0) is None and f.follow([], 1) is None
    back = body(110, 200, 300)
    assert f.follow([back], 2) is back and f.warnings == []


def test_follower_waits_while_auto_is_ambiguous():
    f = follower(body(100, 200, 300), lost_after_frames=1, policy=SubjectPolicy.AUTO)
    twins = [body(500, 100, 400), body(800, 100, 390)]
    assert f.follow(twins, 0) is None and f.warnings == []


def test_find_candidates_searches_tiles_of_a_wide_frame_when_nobody_is_found():
    class SmallPeopleDetector:
        """Finds a person only when the image is at most 600 px wide (as the real detector
        misses a small person in a very wide frame)."""

        def estimate_all(self, image, *, timestamp_ms=None):
            if image.shape[1] > 600 or image[:, :, 0].max() == 0:
                return []
            ys, xs = np.nonzero(image[:, :, 0])
            return [body(int(xs.min()), int(ys.min()), int(ys.max() - ys.min()))]

    image = np.zeros((400, 1600, 3), np.uint8)
    image[50:350, 1100:1190] = 255
    found = find_candidates(image, SmallPeopleDetector())
    assert len(found) == 1
    assert found[0].bbox_px[0] == pytest.approx(1100, abs=1)  # in full-image pixels


class CropBackend:
    """Video-mode stand-in: returns one fixed pose relative to whatever crop it is given."""

    def __init__(self):
        self.shapes = []
        self.resets = 0

    def estimate_all(self, image, *, timestamp_ms=None):
        self.shapes.append(image.shape)
        return [body(20, 20, image.shape[0] - 40)]

    def reset(self):
        self.resets += 1


def test_tracker_runs_on_a_crop_and_maps_back_to_the_image():
    backend = CropBackend()
    subject = body(300, 200, 200)
    f = SubjectFollower(cand(subject), SubjectPolicy.AUTO, 1000, lost_after_frames=30)
    tracker = SubjectTracker(backend, f, (1000, 1000, 3))
    x0, y0, x1, y1 = tracker.roi_px
    pose = tracker.estimate(np.zeros((1000, 1000, 3), np.uint8), frame_index=0, timestamp_ms=0)
    assert backend.shapes[0][:2] == (y1 - y0, x1 - x0)
    assert backend.shapes[0][0] < 1000  # not the whole frame
    assert pose.position_px[0] == pytest.approx([x0 + 20, y0 + 20])


def test_tracker_grows_the_crop_while_the_subject_is_missing():
    class Nobody(CropBackend):
        def estimate_all(self, image, *, timestamp_ms=None):
            self.shapes.append(image.shape)
            return []

    backend = Nobody()
    f = SubjectFollower(cand(body(300, 200, 200)), SubjectPolicy.AUTO, 1000, lost_after_frames=30)
    tracker = SubjectTracker(backend, f, (1000, 1000, 3))
    first = tracker.roi_px
    for i in range(5):
        assert (
            tracker.estimate(
                np.zeros((1000, 1000, 3), np.uint8), frame_index=i, timestamp_ms=33 * i
            )
            is None
        )
    grown = tracker.roi_px
    assert grown[0] < first[0] and grown[2] > first[2] and backend.resets == 1


class Scene:
    """Backend over a fixed scene of people in full-image pixels: reports those whose box
    centre lies inside the crop it is given (in crop pixels). ``shown`` limits how many it
    reports, nearest the crop's left edge first (a one-body tracker that took the wrong one)."""

    def __init__(self, people, *, shown=None, order=1):
        self.people, self.shown, self.order = people, shown, order
        self.calls = 0
        self.resets = 0
        self.crop = None

    def at(self, roi):
        self.crop = roi
        return self

    def estimate_all(self, image, *, timestamp_ms=None):
        self.calls += 1
        x0, y0, x1, y1 = self.crop
        inside = [
            p
            for p in self.people
            if x0 <= cand(p).center_x_px <= x1 and y0 <= cand(p).center_px[1] <= y1
        ]
        inside.sort(key=lambda p: self.order * cand(p).center_x_px)
        return [
            FramePose(position_px=p.position_px - [x0, y0], visibility=p.visibility)
            for p in inside[: self.shown]
        ]

    def reset(self):
        self.resets += 1


def track(tracker, tracked, wider, n_frames):
    poses = []
    for i in range(n_frames):
        tracked.at(tracker.roi_px)
        wider.at(tracker.roi_px)
        poses.append(
            tracker.estimate(
                np.zeros((1000, 2000, 3), np.uint8), frame_index=i, timestamp_ms=33 * i
            )
        )
    return poses


def test_first_crop_leaves_out_a_bystander_beside_the_subject():
    subject, bystander = body(300, 200, 600), body(700, 400, 300)
    f = SubjectFollower(cand(subject), SubjectPolicy.AUTO, 2000, lost_after_frames=30)
    tracker = SubjectTracker(Scene([subject]), f, (1000, 2000, 3), others=[cand(bystander)])
    x0, _, x1, _ = tracker.roi_px
    assert x1 == 700  # stops at the bystander's box, not at the subject's + half a height (780)
    assert x0 == 0  # nobody on the left: the whole half-height margin (300 - 300)


def test_side_margin_is_kept_when_a_bystander_stands_close():
    subject, bystander = body(300, 200, 600), body(500, 200, 600)
    f = SubjectFollower(cand(subject), SubjectPolicy.RIGHT, 2000, lost_after_frames=30)
    tracker = SubjectTracker(Scene([subject]), f, (1000, 2000, 3), others=[cand(bystander)])
    assert tracker.roi_px[2] == 480 + 90  # subject's right edge + 0.15 of its height


def test_tracker_holding_the_subject_never_looks_wider():
    subject, bystander = body(300, 200, 600), body(1500, 400, 300)
    f = SubjectFollower(cand(subject), SubjectPolicy.AUTO, 2000, lost_after_frames=30)
    tracked, wider = Scene([subject, bystander], shown=1), Scene([subject, bystander])
    tracker = SubjectTracker(tracked, f, (1000, 2000, 3), wider=wider)
    poses = track(tracker, tracked, wider, 10)
    assert all(p is not None and p.position_px[0, 0] == pytest.approx(300) for p in poses)
    assert wider.calls == 0 and tracker.wider_looks == 0 and tracked.resets == 0


def test_tracker_taken_by_a_bystander_is_corrected_by_a_wider_look():
    subject, bystander = body(600, 200, 600), body(1000, 200, 500)
    f = SubjectFollower(cand(subject), SubjectPolicy.AUTO, 2000, lost_after_frames=30)
    # the one-body tracker reports the right-most body in its crop: the bystander
    tracked = Scene([subject, bystander], shown=1, order=-1)
    wider = Scene([subject, bystander])
    tracker = SubjectTracker(tracked, f, (1000, 2000, 3), wider=wider)
    first_roi = tracker.roi_px
    poses = track(tracker, tracked, wider, 3)
    assert all(p is not None and p.position_px[0, 0] == pytest.approx(600) for p in poses)
    assert f.warnings == []  # never swapped to the bystander
    # re-aimed away from the bystander (right edge at the subject's + 0.15 h) and restarted
    assert tracker.roi_px[2] < first_roi[2] and tracked.resets == 1
    assert tracker.wider_looks == 1  # the re-aimed crop holds only the subject
