"""The same tasks on a Ray cluster (``pip install glutefire[ray]``).

``address="auto"`` starts a local Ray runtime with ``workers`` CPUs; any other address connects
to an existing cluster. If Ray is already initialised in this process it is used as it is. Ray
retries a task whose worker process died (``max_retries``); the task function is the same
:func:`~glutefire.batch.tasks.screen_assessment` the local pool runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

from glutefire.batch.tasks import Task, TaskResult, screen_assessment
from glutefire.errors import GlutefireError


class RayUnavailableError(GlutefireError):
    """Ray is not installed or the cluster cannot be reached."""


def import_ray() -> ModuleType:
    """``ray``, or a one-line error saying how to install it."""
    try:
        import ray
    except ImportError:
        raise RayUnavailableError(
            "--ray needs Ray, which is not installed; install glutefire[ray] "
            "(pip install 'glutefire[ray]')"
        ) from None
    return ray


def _connect(ray: ModuleType, address: str, workers: int) -> bool:
    """Initialise Ray unless it already is; True when we started it (and must shut it down)."""
    if ray.is_initialized():
        return False
    try:
        if address == "auto":
            ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
        else:
            ray.init(address=address, log_to_driver=False)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise RayUnavailableError(
            f"expected a reachable Ray cluster at {address!r}, but got: {exc}"
        ) from None
    return True


def run_ray(
    tasks: Sequence[Task],
    *,
    address: str = "auto",
    workers: int = 1,
    retries: int = 2,
    on_result: Callable[[TaskResult], None] = lambda r: None,
) -> list[TaskResult]:
    """Screen ``tasks`` as Ray tasks; results in task order."""
    if not tasks:
        return []
    ray = import_ray()
    owned = _connect(ray, address, workers)
    try:
        remote = ray.remote(num_cpus=1, max_retries=retries)(screen_assessment)
        refs = {remote.remote(task): task for task in tasks}
        results: dict[int, TaskResult] = {}
        while refs:
            ready, _ = ray.wait(list(refs), num_returns=1)
            task = refs.pop(ready[0])
            results[task.index] = _get(ray, ready[0], task, retries)
            on_result(results[task.index])
    finally:
        if owned:
            ray.shutdown()
    return [results[task.index] for task in tasks]


def _get(ray: ModuleType, ref: Any, task: Task, retries: int) -> TaskResult:
    try:
        return ray.get(ref)
    except ray.exceptions.RayError as exc:
        a = task.assessment
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return TaskResult(
            task.index,
            a.person,
            a.test,
            "failed",
            attempts=retries + 1,
            error=f"the Ray worker screening it failed: {first_line}",
        )
