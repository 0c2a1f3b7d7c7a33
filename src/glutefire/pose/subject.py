"""Choosing the person to analyse when others are visible, and following only that person.

Everyone in view is found by :func:`glutefire.pose.search.find_candidates`. The subject is
chosen once by a stated policy (:func:`choose_subject`); from then on :class:`SubjectFollower`
takes, in each frame, the person nearest to where the subject last was and of a similar size. A
bystander is never taken silently: when the subject has been missing for :data:`LOST_AFTER_S`
and someone else is in view, the subject is chosen again by the same policy and the change is
recorded as a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

import numpy as np

from glutefire.errors import SeveralPeopleError
from glutefire.landmarks import BLAZEPOSE_LANDMARKS, SQUAT_REQUIRED
from glutefire.pose.backend import FramePose

_REQUIRED_IDX = [BLAZEPOSE_LANDMARKS.index(n) for n in SQUAT_REQUIRED]

#: A second person at least this tall relative to the tallest makes "largest" ambiguous.
#: Design value (unverified).
AMBIGUOUS_HEIGHT_RATIO = 0.8
#: Mean visibility of the required landmarks below which a detection is not a usable body.
#: Design value (unverified).
MIN_COMPLETENESS = 0.5
#: Largest shift of the body centre between the subject's last sighting and a match, as a
#: fraction of the subject's height. Design value (unverified): a squat moves the hip centre by
#: well under half a body height between frames, and people standing side by side are about
#: half a body height apart or more.
MAX_SHIFT_FRACTION = 0.5
#: A match's height must be within this factor of the subject's last height (either way); a
#: squat shortens the body box by up to about 40 %. Design value (unverified).
MAX_HEIGHT_FACTOR = 1.8
#: Seconds the subject may be missing before someone else in view is chosen again by policy.
#: Design value (unverified).
LOST_AFTER_S = 1.0


class SubjectPolicy(str, Enum):
    """How to choose the subject among several people."""

    AUTO = "auto"  # the tallest full body; refuse when another is nearly as tall
    LARGEST = "largest"
    LEFT = "left"
    RIGHT = "right"
    CENTER = "center"


@dataclass(frozen=True)
class Candidate:
    """One person seen in a frame."""

    pose: FramePose
    bbox_px: tuple[float, float, float, float]
    completeness: float

    @property
    def height_px(self) -> float:
        """Bounding-box height in pixels."""
        return self.bbox_px[3] - self.bbox_px[1]

    @property
    def center_px(self) -> tuple[float, float]:
        """Centre (x, y) of the bounding box in pixels."""
        return 0.5 * (self.bbox_px[0] + self.bbox_px[2]), 0.5 * (self.bbox_px[1] + self.bbox_px[3])

    @property
    def center_x_px(self) -> float:
        """Horizontal centre of the bounding box in pixels."""
        return self.center_px[0]


def as_candidate(pose: FramePose) -> Candidate:
    """A detected pose with its bounding box and completeness (mean visibility, 0-1, of the
    landmarks a squat screen needs)."""
    completeness = float(np.mean(pose.visibility[_REQUIRED_IDX]))
    return Candidate(pose=pose, bbox_px=pose.bbox_px(), completeness=completeness)


def choose_subject(
    candidates: list[Candidate], *, policy: SubjectPolicy, image_width_px: int
) -> tuple[Candidate, str]:
    """Pick the subject; return it and a sentence saying why. Raise on ambiguity in AUTO."""
    if not candidates:
        raise ValueError("expected at least one candidate, but got none")
    bodies = [c for c in candidates if c.completeness >= MIN_COMPLETENESS] or candidates
    if policy in (SubjectPolicy.AUTO, SubjectPolicy.LARGEST):
        ranked = sorted(bodies, key=lambda c: c.height_px, reverse=True)
        chosen = ranked[0]
        rivals = [c for c in ranked[1:] if c.height_px >= AMBIGUOUS_HEIGHT_RATIO * chosen.height_px]
        if rivals and policy is SubjectPolicy.AUTO:
            raise SeveralPeopleError(
                f"{len(rivals) + 1} people of similar size are in view; choose who to analyse "
                "with --subject left|right|center|largest, or film the person alone"
            )
        why = "the tallest full body in view"
    elif policy is SubjectPolicy.LEFT:
        chosen, why = min(bodies, key=lambda c: c.center_x_px), "the left-most person (--subject)"
    elif policy is SubjectPolicy.RIGHT:
        chosen, why = max(bodies, key=lambda c: c.center_x_px), "the right-most person (--subject)"
    else:
        mid = image_width_px / 2
        chosen = min(bodies, key=lambda c: abs(c.center_x_px - mid))
        why = "the person nearest the image centre (--subject)"
    others = len(candidates) - 1
    return chosen, why + (f"; {others} other person(s) ignored" if others else "")


def match_subject(previous: Candidate, candidates: list[Candidate]) -> Candidate | None:
    """The candidate that continues ``previous``: the nearest centre within
    :data:`MAX_SHIFT_FRACTION` of its height and of a height within :data:`MAX_HEIGHT_FACTOR`;
    None when nobody qualifies."""
    best: Candidate | None = None
    best_shift = np.inf
    height = max(previous.height_px, 1.0)
    px, py = previous.center_px
    for cand in candidates:
        ratio = max(cand.height_px, 1.0) / height
        if not 1.0 / MAX_HEIGHT_FACTOR <= ratio <= MAX_HEIGHT_FACTOR:
            continue
        cx, cy = cand.center_px
        shift = float(np.hypot(cx - px, cy - py)) / height
        if shift <= MAX_SHIFT_FRACTION and shift < best_shift:
            best, best_shift = cand, shift
    return best


@dataclass
class SubjectFollower:
    """Follows the chosen subject through a clip, frame by frame.

    ``lost_after_frames``: frames without the subject after which someone else in view is chosen
    again by ``policy`` (each change is recorded in ``warnings``).
    """

    subject: Candidate
    policy: SubjectPolicy
    image_width_px: int
    lost_after_frames: int
    warnings: list[str] = field(default_factory=list)
    _missed: int = 0

    def follow(self, poses: list[FramePose], frame_index: int) -> FramePose | None:
        """The subject's landmarks in this frame, or None when the subject is not in it."""
        candidates = [as_candidate(p) for p in poses]
        match = match_subject(self.subject, candidates)
        if match is None and candidates and self._missed + 1 >= self.lost_after_frames:
            match = self._reselect(candidates, frame_index)
        if match is None:
            self._missed += 1
            return None
        self._missed = 0
        self.subject = match
        return match.pose

    def sees_subject(self, poses: list[FramePose]) -> bool:
        """Whether one of ``poses`` continues the subject (nothing is recorded)."""
        return match_subject(self.subject, [as_candidate(p) for p in poses]) is not None

    def _reselect(self, candidates: list[Candidate], frame_index: int) -> Candidate | None:
        """Choose again by policy after the subject was lost; None while AUTO is ambiguous."""
        try:
            chosen, why = choose_subject(
                candidates, policy=self.policy, image_width_px=self.image_width_px
            )
        except SeveralPeopleError:
            return None
        self.warnings.append(
            f"subject lost for {self._missed + 1} frames; from frame {frame_index} analysing "
            f"{why} (check that this is the same person)"
        )
        return chosen
