"""Choosing the person to analyse when others are visible, and following only that person.

MediaPipe's legacy pose solution sees one person per image. To find everyone in a frame we run
it repeatedly, each time greying out the people already found. The subject is then chosen by a
stated policy, and tracking runs on a crop around the subject so the model cannot drift to a
bystander.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np

from glutefire.errors import SeveralPeopleError
from glutefire.landmarks import BLAZEPOSE_LANDMARKS, SQUAT_REQUIRED
from glutefire.pose.backend import FramePose, PoseBackend

_REQUIRED_IDX = [BLAZEPOSE_LANDMARKS.index(n) for n in SQUAT_REQUIRED]

#: A second person at least this tall relative to the tallest makes "largest" ambiguous.
AMBIGUOUS_HEIGHT_RATIO = 0.8
#: Mean visibility of the required landmarks below which a detection is not a usable body.
MIN_COMPLETENESS = 0.5


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
    def center_x_px(self) -> float:
        """Horizontal centre of the bounding box in pixels."""
        return 0.5 * (self.bbox_px[0] + self.bbox_px[2])


def find_candidates(image_bgr: np.ndarray, detector: PoseBackend, *,
                    max_people: int = 3) -> list[Candidate]:
    """Everyone the (static-image) ``detector`` finds in ``image_bgr``, most prominent first.

    When nobody is found in the whole image (a small person in a wide frame shrinks below the
    detector's input size), overlapping square tiles are searched too.
    """
    found = _find_in(image_bgr, detector, max_people=max_people)
    if found:
        return found
    for x0, y0, tile in _tiles(image_bgr):
        for cand in _find_in(tile, detector, max_people=max_people):
            moved = _candidate(_shifted(cand.pose, x0, y0))
            if not any(_center_inside(moved, other) for other in found):
                found.append(moved)
    return sorted(found, key=lambda c: c.height_px, reverse=True)[:max_people]


def _tiles(image: np.ndarray) -> list[tuple[int, int, np.ndarray]]:
    """Overlapping square tiles along the long side of a clearly non-square image."""
    height, width = image.shape[:2]
    side = min(height, width)
    span = max(height, width)
    if span < 1.5 * side:
        return []
    n = int(np.ceil(2 * span / side)) - 1  # half-tile steps
    starts = np.linspace(0, span - side, n).astype(int)
    if width >= height:
        return [(int(s), 0, image[:, s:s + side]) for s in starts]
    return [(0, int(s), image[s:s + side, :]) for s in starts]


def _shifted(pose: FramePose, dx: float, dy: float) -> FramePose:
    return FramePose(position_px=pose.position_px + np.array([dx, dy], dtype=float),
                     visibility=pose.visibility)


def _find_in(image_bgr: np.ndarray, detector: PoseBackend, *,
             max_people: int) -> list[Candidate]:
    masked = image_bgr.copy()
    found: list[Candidate] = []
    fill = np.median(image_bgr.reshape(-1, 3), axis=0).astype(image_bgr.dtype)
    for _ in range(max_people):
        pose = detector.estimate(masked)
        if pose is None:
            break
        cand = _candidate(pose)
        if any(_center_inside(cand, other) for other in found):
            break  # the model re-found a fragment of someone already masked
        found.append(cand)
        x0, y0, x1, y1 = _expand(cand.bbox_px, 0.1, image_bgr.shape)
        masked[y0:y1, x0:x1] = fill
    return found


def choose_subject(candidates: list[Candidate], *, policy: SubjectPolicy,
                   image_width_px: int) -> tuple[Candidate, str]:
    """Pick the subject; return it and a sentence saying why. Raise on ambiguity in AUTO."""
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


class SubjectTracker:
    """Runs a tracking backend on a crop around the subject and maps results back to the image."""

    def __init__(self, backend: PoseBackend, subject: Candidate,
                 image_shape: tuple[int, ...]) -> None:
        self._backend = backend
        self._shape = image_shape
        self._roi = _roi_for(subject.bbox_px, image_shape)
        self._misses = 0

    @property
    def roi_px(self) -> tuple[int, int, int, int]:
        """Current crop (x0, y0, x1, y1) in pixels."""
        return self._roi

    def estimate(self, image_bgr: np.ndarray) -> FramePose | None:
        """Landmarks of the subject in full-image pixels, or None when not found in this frame."""
        x0, y0, x1, y1 = self._roi
        pose = self._backend.estimate(image_bgr[y0:y1, x0:x1])
        if pose is None:
            self._on_miss()
            return None
        self._misses = 0
        full = _shifted(pose, x0, y0)
        self._follow(full)
        return full

    def _on_miss(self) -> None:
        self._misses += 1
        if self._misses % 5 == 0:  # lost for a while: look in a wider area
            x0, y0, x1, y1 = self._roi
            self._roi = _expand((x0, y0, x1, y1), 0.25, self._shape)
            self._backend.reset()

    def _follow(self, pose: FramePose) -> None:
        """Re-centre the crop when the body nears its edge (rarely: a moving crop resets the
        model's tracking)."""
        bx0, by0, bx1, by1 = pose.bbox_px()
        x0, y0, x1, y1 = self._roi
        margin_x, margin_y = 0.05 * (x1 - x0), 0.05 * (y1 - y0)
        height, width = self._shape[:2]
        near_edge = ((bx0 - x0 < margin_x and x0 > 0) or (x1 - bx1 < margin_x and x1 < width)
                     or (by0 - y0 < margin_y and y0 > 0) or (y1 - by1 < margin_y and y1 < height))
        if near_edge:
            self._roi = _roi_for((bx0, by0, bx1, by1), self._shape)
            self._backend.reset()


def _candidate(pose: FramePose) -> Candidate:
    completeness = float(np.mean(pose.visibility[_REQUIRED_IDX]))
    return Candidate(pose=pose, bbox_px=pose.bbox_px(), completeness=completeness)


def _center_inside(cand: Candidate, other: Candidate) -> bool:
    x0, y0, x1, y1 = other.bbox_px
    cx, cy = cand.center_x_px, 0.5 * (cand.bbox_px[1] + cand.bbox_px[3])
    return x0 <= cx <= x1 and y0 <= cy <= y1


def _roi_for(bbox: tuple[float, float, float, float],
             shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    """A generous crop around a body: half its height of margin sideways, a quarter above and
    below, so a squatting or reaching person stays inside."""
    x0, y0, x1, y1 = bbox
    h = max(y1 - y0, 1.0)
    return _clip((x0 - 0.5 * h, y0 - 0.25 * h, x1 + 0.5 * h, y1 + 0.25 * h), shape)


def _expand(bbox: tuple[float, float, float, float], frac: float,
            shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = bbox
    dx, dy = frac * (x1 - x0), frac * (y1 - y0)
    return _clip((x0 - dx, y0 - dy, x1 + dx, y1 + dy), shape)


def _clip(box: tuple[float, float, float, float],
          shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    height, width = shape[:2]
    x0, y0, x1, y1 = box
    return (int(max(0, x0)), int(max(0, y0)), int(min(width, x1)), int(min(height, y1)))
