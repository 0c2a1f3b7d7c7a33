"""A pool of worker processes on this machine. The parent only schedules and collects.

Each worker is a ``spawn``-ed process (its own interpreter, so its own pose model: nothing is
shared between processes) that takes one task at a time from its own inbox. Because the parent
knows which task each worker holds, a worker that dies mid-task (crash, OOM killer, ``kill``) is
replaced and its task resubmitted, at most ``retries`` times; then the task is reported failed.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Any

from glutefire.batch.tasks import Task, TaskResult, screen_assessment

#: Seconds the parent waits for a message before checking its workers' health.
POLL_S = 0.5


TaskFn = Callable[[Task], TaskResult]


def _worker_main(slot: int, inbox: Any, outbox: Any, task_fn: TaskFn) -> None:
    """Worker loop: run tasks until the ``None`` sentinel arrives. Parallelism comes from
    the processes, so each keeps OpenCV to one thread (no oversubscription of the cores)."""
    import cv2

    cv2.setNumThreads(1)
    while (task := inbox.get()) is not None:
        outbox.put((slot, task_fn(task)))


@dataclass
class _Worker:
    process: BaseProcess
    inbox: Any
    task: int | None = None  # index of the task it holds
    served: int = 0


class LocalPool:
    """Runs tasks on ``workers`` processes; see :func:`run_local`."""

    def __init__(
        self,
        tasks: Sequence[Task],
        *,
        workers: int,
        retries: int,
        max_tasks_per_worker: int | None,
        on_result: Callable[[TaskResult], None],
        task_fn: TaskFn = screen_assessment,
    ) -> None:
        self.tasks = tasks
        self.task_fn = task_fn
        self.retries = retries
        self.max_tasks = max_tasks_per_worker
        self.on_result = on_result
        self.ctx = mp.get_context("spawn")
        self.outbox = self.ctx.Queue()
        self.pending: deque[int] = deque(range(len(tasks)))
        self.attempts = [0] * len(tasks)
        self.results: dict[int, TaskResult] = {}
        self.workers = [self._start(slot) for slot in range(max(1, min(workers, len(tasks))))]

    def _start(self, slot: int) -> _Worker:
        inbox = self.ctx.Queue()
        process = self.ctx.Process(
            target=_worker_main,
            args=(slot, inbox, self.outbox, self.task_fn),
            name=f"glutefire-batch-{slot}",
            daemon=True,
        )
        process.start()
        return _Worker(process, inbox)

    def run(self) -> list[TaskResult]:
        try:
            while len(self.results) < len(self.tasks):
                self._assign()
                self._collect(POLL_S)
                self._check_health()
        finally:
            self._stop()
        return [self.results[i] for i in range(len(self.tasks))]

    def _assign(self) -> None:
        for slot, worker in enumerate(self.workers):
            if worker.task is not None or not self.pending or not worker.process.is_alive():
                continue
            if self.max_tasks is not None and worker.served >= self.max_tasks:
                worker.inbox.put(None)  # recycle: a fresh process for the next tasks
                worker.process.join()
                worker = self.workers[slot] = self._start(slot)
            index = self.pending.popleft()
            self.attempts[index] += 1
            worker.task, worker.served = index, worker.served + 1
            worker.inbox.put(self.tasks[index])

    def _collect(self, timeout_s: float) -> None:
        """Take every finished result; wait up to ``timeout_s`` for the first."""
        try:
            slot, result = self.outbox.get(timeout=timeout_s)
        except queue.Empty:
            return
        while True:
            self._finish(self.workers[slot].task, result)
            self.workers[slot].task = None
            try:
                slot, result = self.outbox.get_nowait()
            except queue.Empty:
                return

    def _finish(self, index: int | None, result: TaskResult) -> None:
        if index is None:
            return
        result.attempts = self.attempts[index]
        self.results[index] = result
        self.on_result(result)

    def _check_health(self) -> None:
        for slot, worker in enumerate(self.workers):
            if worker.process.is_alive():
                continue
            if worker.task is not None:
                self._collect(POLL_S)  # a result it sent just before exiting
            if worker.task is not None:
                self._crashed(worker)
            if self.pending or any(w.task is not None for w in self.workers):
                self.workers[slot] = self._start(slot)

    def _crashed(self, worker: _Worker) -> None:
        index, worker.task = worker.task, None
        assert index is not None
        if self.attempts[index] <= self.retries:
            self.pending.appendleft(index)
            return
        task = self.tasks[index]
        self._finish(
            index,
            TaskResult(
                task.index,
                task.assessment.person,
                task.assessment.test,
                "failed",
                error=f"the worker screening it died (exit code {worker.process.exitcode}) on each "
                f"of {self.attempts[index]} attempts",
            ),
        )

    def _stop(self) -> None:
        for worker in self.workers:
            if worker.process.is_alive():
                worker.inbox.put(None)
        for worker in self.workers:
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.terminate()
                worker.process.join()


def run_local(
    tasks: Sequence[Task],
    *,
    workers: int,
    retries: int = 2,
    max_tasks_per_worker: int | None = None,
    on_result: Callable[[TaskResult], None] = lambda r: None,
    task_fn: TaskFn = screen_assessment,
) -> list[TaskResult]:
    """Screen ``tasks`` on a pool of ``workers`` processes; results in task order.

    ``task_fn`` runs one task in a worker (a top-level function, so ``spawn`` can import it).
    A task whose worker dies is resubmitted up to ``retries`` times. ``max_tasks_per_worker``
    replaces a worker after that many tasks (isolation against slow leaks; ``None``: never).
    """
    if not tasks:
        return []
    return LocalPool(
        tasks,
        workers=workers,
        retries=retries,
        max_tasks_per_worker=max_tasks_per_worker,
        on_result=on_result,
        task_fn=task_fn,
    ).run()
