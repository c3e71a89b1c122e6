"""Faults injected into batch workers (picklable by reference, so they reach the pool's processes)."""

from __future__ import annotations

import os
from pathlib import Path

from experiments.batch.runner import execute


def die_on(task, outputs, victims: frozenset[str], once_marker: str | None = None):
    """Kill the worker process when it starts a run of `victims` (only the first time if `once_marker`)."""
    if task.run_id in victims:
        if once_marker is None:
            os._exit(9)
        marker = Path(once_marker)
        if not marker.exists():
            marker.write_text(task.run_id)
            os._exit(9)
    return execute(task, outputs)
