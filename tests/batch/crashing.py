"""A task function for the local pool that kills its worker, to test retries (test-only code)."""

from __future__ import annotations

import os
from pathlib import Path

from glutefire.batch.tasks import Task, TaskResult, screen_assessment


def crash_then_screen(task: Task, *, clip_name: str, marker: Path | None) -> TaskResult:
    """Kill the worker (``os._exit``) on a task holding a clip named ``clip_name``: only on the
    first attempt when ``marker`` is given (the attempt creates it), else on every attempt."""
    holds_clip = any(c.path.name == clip_name for c in task.assessment.clips)
    if holds_clip and (marker is None or not marker.exists()):
        if marker is not None:
            marker.touch()
        os._exit(1)
    return screen_assessment(task)
