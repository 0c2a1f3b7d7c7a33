"""Running totals of a live set whose analysis only sees a sliding window of its newest frames.

Live mode must not re-analyse every frame so far on each new frame (the work would grow with the
set's length). It analyses the newest ``window_s`` seconds with the offline functions instead,
and these tallies carry what leaves the window:

- :class:`RepTally`: a complete rep is counted while the window shows it; shortly before its
  start leaves the window it is *committed* (kept in the total), and later windows count only
  the reps that start after the last committed one ended. As long as a rep is shorter than the
  window, every rep is seen whole in some window, so the total is what the offline segmentation
  of the same frames counts.
- :class:`HoldTally`: a hold that began before the window (the window opens inside it) keeps
  the start it had when it was first seen, so a hold longer than the window is timed in full.

Times are seconds from the set's first frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from glutefire.reps.segment import Rep

#: A rep is committed once its start is within this many seconds of the window's start (before
#: the next analyses drop it). Must exceed the time between two analyses. Design value.
COMMIT_MARGIN_S = 2.0


class HeldSpan(Protocol):
    """A hold as :class:`glutefire.exercises.events.Hold` gives it (seconds; ``open_start`` /
    ``open_end``: it runs from the first / to the last frame analysed)."""

    @property
    def start_s(self) -> float: ...
    @property
    def end_s(self) -> float: ...
    @property
    def open_start(self) -> bool: ...
    @property
    def open_end(self) -> bool: ...


@dataclass
class RepTally:
    """Complete reps of a live set, counted window by window (see the module docstring)."""

    committed: int = 0
    after_s: float = float("-inf")

    def update(self, reps: Sequence[Rep], *, window_start_s: float, at_start: bool) -> int:
        """Total complete reps, given the reps the newest window holds (times from the set's
        start). ``at_start``: the window begins at the set's first frame (nothing left it yet,
        nothing is committed)."""
        fresh = [r for r in reps if r.complete and r.start_s >= self.after_s]
        total = self.committed + len(fresh)
        if at_start:
            return total
        for rep in fresh:
            if rep.start_s < window_start_s + COMMIT_MARGIN_S:
                self.committed += 1
                self.after_s = rep.end_s
        return total


@dataclass
class HoldTally:
    """The running and the longest hold of a live set (see the module docstring).
    ``current_start_s``: when the hold under way began (None: not holding)."""

    longest_s: float | None = None
    current_start_s: float | None = None

    def update(self, holds: Sequence[HeldSpan], *, at_start: bool) -> None:
        """Take the holds of the newest window (times from the set's start); ``at_start`` as for
        :meth:`RepTally.update`."""
        ongoing = None
        for hold in holds:
            start_s = hold.start_s
            if hold.open_start and not at_start and self.current_start_s is not None:
                start_s = min(start_s, self.current_start_s)  # began before the window
            duration_s = hold.end_s - start_s
            self.longest_s = max(self.longest_s or 0.0, duration_s)
            if hold.open_end:
                ongoing = start_s
        self.current_start_s = ongoing

    def running_s(self, now_s: float) -> float | None:
        """How long the hold under way has lasted at ``now_s``; None when not holding."""
        if self.current_start_s is None:
            return None
        return max(0.0, now_s - self.current_start_s)
