"""Executors: run tasks serially, in a local process pool, or on a dask.distributed cluster.

Each executor yields `RunResult`s as runs finish (in any order); the caller alone writes
results, so there is one writer whatever the number of workers. A run's result depends only
on its task (scenario, overrides, seed), never on where it ran.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import select
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, contextmanager
from functools import partial
from multiprocessing import forkserver

from bopsim.experiments.batch.config import Outputs
from bopsim.experiments.batch.design import RunTask
from bopsim.experiments.batch.runner import RunResult, execute
from bopsim.model.errors import UsageError

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
            with _sigint_deferred(), _quiet_helpers():
                cluster = stack.enter_context(LocalCluster(
                    n_workers=workers or default_workers(), threads_per_worker=1, processes=True, host="127.0.0.1",
                    dashboard_address=None, silence_logs=logging.ERROR))
        try:
            client = stack.enter_context(Client(cluster if scheduler is None else scheduler, timeout="20s"))
        except OSError as exc:
            raise UsageError(f"--scheduler {scheduler}: cannot connect: {exc}") from None
        yield client


@contextmanager
def _quiet_helpers():
    """Helper processes started inside this block get /dev/null as their standard error.

    They share the batch's process group, so a Ctrl-C reaches them too; the batch stops them
    and reports, and their own KeyboardInterrupt tracebacks must not reach the terminal. (A run's
    error travels back to the batch as its result, not through standard error.)
    """
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


@contextmanager
def _sigint_deferred():
    """A Ctrl-C while the block runs is raised when it ends, so what the block starts can be stopped whole."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pressed: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: pressed.append(signum))
    try:
        yield
    except Exception:
        if pressed:  # a start that failed because Ctrl-C reached the helpers too
            raise KeyboardInterrupt from None
        raise
    finally:
        signal.signal(signal.SIGINT, previous)
    if pressed:
        raise KeyboardInterrupt


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
"""Ctrl-C and `kill`'s default signal: both stop a batch the same way (see `stop_noted`)."""

_STOP = threading.Event()
"""Set by the handler of `stop_noted` when a stop signal arrives; `stop_if_noted` raises it."""

POLL_S = 0.25
"""Seconds between checks for a noted stop while the pool's runs are under way."""


@contextmanager
def stop_noted():
    """While the block runs, a first Ctrl-C or SIGTERM is only noted, and raised as
    KeyboardInterrupt where the batch calls `stop_if_noted` (between runs) or when the block
    ends; a second one gets the handler from before (Ctrl-C: raises at once).

    Python runs a signal's handler at whatever line runs when the signal arrives. A
    KeyboardInterrupt raised inside a finalizer (a Parquet writer's `__del__`, say) is lost, and
    the batch runs on to its end (CI once saw a SIGTERM lost; where, was not found); a note is
    not, and raised between runs it stops the batch cleanly, after the runs in flight. The
    second Ctrl-C is the way out of a run that takes long.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _STOP.clear()
    previous = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    if previous[signal.SIGINT] is None:  # a handler not set from Python: give the second press Python's own
        previous[signal.SIGINT] = signal.default_int_handler
    if previous[signal.SIGTERM] is None:
        previous[signal.SIGTERM] = signal.SIG_DFL

    def note(signum, frame) -> None:
        _STOP.set()
        signal.signal(signum, previous[signum])

    for signum in STOP_SIGNALS:
        signal.signal(signum, note)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    stop_if_noted()


def stop_if_noted() -> None:
    """Raise KeyboardInterrupt if a stop signal was noted (`stop_noted`); a no-op otherwise."""
    if _STOP.is_set():
        _STOP.clear()
        raise KeyboardInterrupt


def _worker_setup(batch_pid: int) -> None:
    """Workers leave Ctrl-C to the main process, which stops the batch cleanly, and end with the batch.

    A killed batch (SIGKILL) cannot stop its pool, and the pool's processes keep each other's
    pipes open, so each worker watches the batch process itself and exits when it is gone.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_when_gone, args=(batch_pid,), daemon=True, name="bopsim-watch").start()


def _exit_when_gone(pid: int) -> None:
    """Wait for process `pid` to end (a pidfd where the system has them, else polling), then exit."""
    try:
        handle = os.pidfd_open(pid)
    except (AttributeError, OSError):
        while _alive(pid):
            time.sleep(1.0)
    else:
        select.select([handle], [], [])
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _process_pool(tasks: list[RunTask], outputs: Outputs, workers: int, run=execute) -> Iterator[RunResult]:
    """A pool of `workers` processes (forkserver start, with the run code preloaded).

    At most 2 x workers runs are in flight, so a stopped batch loses no more than that and the
    main process holds few results at a time. A worker that dies (killed, out of memory) breaks
    the pool, and the runs then in flight cannot tell which one it was: a new pool runs them
    again one at a time, and a run that breaks the pool alone is recorded as failed while the
    batch goes on. `run` is the function a worker calls for a task (`runner.execute`).
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["bopsim.experiments.batch.runner"])
    with _quiet_helpers():  # workers are forked by the fork server and inherit its standard error
        forkserver.ensure_running()
    queue, suspects = deque(tasks), set()
    while queue:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_setup,
                                   initargs=(os.getpid(),))
        try:
            yield from _until_broken(pool, queue, suspects, partial(run, outputs=outputs), 2 * workers)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


WORKER_DIED = "BrokenProcessPool: the worker process running this run died (killed, or out of memory)"


def _until_broken(pool: ProcessPoolExecutor, queue: deque[RunTask], suspects: set[str], run,
                  in_flight: int) -> Iterator[RunResult]:
    """Run tasks from the front of `queue` on `pool` until none is left or the pool breaks.

    The runs in flight in a broken pool go back to the front of the queue as `suspects`, which
    run one at a time; a suspect that breaks the pool alone is yielded as failed.
    """
    running: dict = {}
    while True:
        limit = 1 if queue and queue[0].run_id in suspects else in_flight
        try:
            while queue and len(running) < limit and not (running and queue[0].run_id in suspects):
                task = queue.popleft()
                running[pool.submit(run, task)] = task
        except BrokenProcessPool:
            queue.appendleft(task)
        if not running:
            return
        done, _ = wait(running, timeout=POLL_S, return_when=FIRST_COMPLETED)
        broken = [f for f in done if isinstance(f.exception(), BrokenProcessPool)]
        for future in set(done) - set(broken):
            yield future.result()
            suspects.discard(running.pop(future).run_id)
        stop_if_noted()
        if broken:
            lost = list(running.values())
            if len(lost) == 1 and lost[0].run_id in suspects:
                yield RunResult(lost[0], False, 0.0, error=WORKER_DIED)
            else:
                suspects.update(task.run_id for task in lost)
                queue.extendleft(reversed(lost))
            return


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

