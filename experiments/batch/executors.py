"""Executors: run tasks serially, in a local process pool, or on a dask.distributed cluster.

Each executor yields `RunResult`s as runs finish (in any order); the caller alone writes
results, so there is one writer whatever the number of workers. A run's result depends only
on its task (scenario, overrides, seed), never on where it ran.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import ExitStack, contextmanager

from experiments.batch.config import Outputs
from experiments.batch.design import RunTask
from experiments.batch.runner import RunResult, execute
from model.errors import UsageError

EXECUTORS = ("serial", "process", "dask")


def default_workers() -> int:
    """All cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run_tasks(tasks: list[RunTask], outputs: Outputs, executor: str, workers: int | None = None,
              client=None) -> Iterator[RunResult]:
    """Results of `tasks` as they complete, on the chosen executor (`client`: a dask Client, for dask)."""
    if not tasks:
        return iter(())
    if executor == "serial":
        return (execute(task, outputs) for task in tasks)
    if executor == "process":
        return _process_pool(tasks, outputs, workers or default_workers())
    return _dask(tasks, outputs, client)


@contextmanager
def dask_client(workers: int | None, scheduler: str | None):
    """A dask Client: of an existing scheduler at `scheduler`, or of a local cluster on 127.0.0.1."""
    from distributed import Client, LocalCluster

    with ExitStack() as stack:
        if scheduler is None:
            cluster = stack.enter_context(LocalCluster(
                n_workers=workers or default_workers(), threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address=None, silence_logs=logging.ERROR))
        try:
            client = stack.enter_context(Client(cluster if scheduler is None else scheduler, timeout="20s"))
        except OSError as exc:
            raise UsageError(f"--scheduler {scheduler}: cannot connect: {exc}") from None
        yield client


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the main process, which stops the batch cleanly."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _process_pool(tasks: list[RunTask], outputs: Outputs, workers: int) -> Iterator[RunResult]:
    """A pool of `workers` processes (forkserver start, with the run code preloaded).

    At most 2 x workers runs are in flight, so a stopped batch loses no more than that and the
    main process holds few results at a time.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["experiments.batch.runner"])
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_ignore_sigint)
    pending = iter(tasks)
    try:
        running = {pool.submit(execute, t, outputs) for t in _take(pending, 2 * workers)}
        while running:
            done, running = wait(running, return_when=FIRST_COMPLETED)
            running |= {pool.submit(execute, t, outputs) for t in _take(pending, len(done))}
            yield from (future.result() for future in done)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _take(items: Iterator[RunTask], n: int) -> list[RunTask]:
    return [task for _, task in zip(range(n), items)]


def _dask(tasks: list[RunTask], outputs: Outputs, client) -> Iterator[RunResult]:
    """Runs on the dask cluster of `client`; unfinished runs are cancelled if the batch stops."""
    from distributed import as_completed

    futures = [client.submit(execute, t, outputs, key=f"bopsim-{t.run_id}-{t.seed}", pure=False) for t in tasks]
    by_key = {f.key: t for f, t in zip(futures, tasks)}
    try:
        for future in as_completed(futures):
            yield _dask_result(future, by_key[future.key])
    finally:
        client.cancel(futures)


def _dask_result(future, task: RunTask) -> RunResult:
    """The run's result; a worker lost while running it counts as a failed run."""
    if future.status == "error":
        exc = future.exception()
        return RunResult(task, False, 0.0, error=f"{type(exc).__name__}: {exc}")
    return future.result()

