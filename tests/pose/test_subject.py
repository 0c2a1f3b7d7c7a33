"""Subject selection with a fake detector: who is analysed when several people are in view."""

import numpy as np
import pytest

from glutefire.errors import SeveralPeopleError
from glutefire.landmarks import BLAZEPOSE_LANDMARKS
from glutefire.pose.backend import FramePose
from glutefire.pose.subject import (
    Candidate,
    SubjectPolicy,
    SubjectTracker,
    choose_subject,
    find_candidates,
)


def body(x0, y0, height, vis=0.9):
    """A fake person: landmarks spread over a box of ``height`` px at (x0, y0)."""
    n = len(BLAZEPOSE_LANDMARKS)
    ys = y0 + np.linspace(0, height, n)
    xs = x0 + np.linspace(0, 0.3 * height, n)
    return FramePose(position_px=np.column_stack([xs, ys]), visibility=np.full(n, vis))


def cand(pose):
    return Candidate(pose=pose, bbox_px=pose.bbox_px(), completeness=0.9)


class FakeDetector:
    """Finds the not-yet-masked people in order: checks the image is grey where masked."""

    def __init__(self, people):
        self.people = people

    def estimate(self, image):
        for p in self.people:
            x0, y0, x1, y1 = (int(v) for v in p.bbox_px())
            if image[(y0 + y1) // 2, (x0 + x1) // 2].sum() != 0:  # not masked yet
                return p
        return None

    def reset(self):
        pass


def test_find_candidates_masks_each_person_found():
    image = np.full((600, 800, 3), 0, np.uint8)
    image[100:500, 50:200] = 255
    image[300:450, 500:600] = 255
    people = [body(50, 100, 400), body(500, 300, 150)]
    found = find_candidates(image, FakeDetector(people))
    assert len(found) == 2 and found[0].height_px > found[1].height_px


def test_auto_picks_the_tallest_and_says_why():
    chosen, why = choose_subject([cand(body(500, 300, 150)), cand(body(50, 100, 400))],
                                 policy=SubjectPolicy.AUTO, image_width_px=800)
    assert chosen.height_px == pytest.approx(400)
    assert "tallest" in why and "1 other" in why


def test_auto_refuses_two_people_of_similar_size():
    with pytest.raises(SeveralPeopleError, match="--subject"):
        choose_subject([cand(body(50, 100, 400)), cand(body(500, 110, 380))],
                       policy=SubjectPolicy.AUTO, image_width_px=800)


@pytest.mark.parametrize("policy, x", [(SubjectPolicy.LEFT, 50), (SubjectPolicy.RIGHT, 500),
                                       (SubjectPolicy.CENTER, 500), (SubjectPolicy.LARGEST, 50)])
def test_explicit_policies(policy, x):
    people = [cand(body(50, 100, 400)), cand(body(500, 110, 390))]
    chosen, _ = choose_subject(people, policy=policy, image_width_px=1100)
    assert chosen.bbox_px[0] == pytest.approx(x)


class CropBackend:
    """Returns a fixed pose relative to whatever crop it is given."""

    def __init__(self):
        self.shapes = []

    def estimate(self, image):
        self.shapes.append(image.shape)
        return body(20, 20, image.shape[0] - 40)

    def reset(self):
        pass


def test_tracker_runs_on_a_crop_and_maps_back_to_the_image():
    backend = CropBackend()
    tracker = SubjectTracker(backend, cand(body(300, 200, 200)), (1000, 1000, 3))
    x0, y0, x1, y1 = tracker.roi_px
    pose = tracker.estimate(np.zeros((1000, 1000, 3), np.uint8))
    assert backend.shapes[0][:2] == (y1 - y0, x1 - x0)
    assert backend.shapes[0][0] < 1000  # not the whole frame
    assert pose.position_px[0] == pytest.approx([x0 + 20, y0 + 20])
