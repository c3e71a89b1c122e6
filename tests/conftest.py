"""Shared fixtures: the abstract scenario, an in-process CLI runner, and hypothesis profiles.

Hypothesis profiles: `default` keeps the property tests to well under a minute on two cores;
`thorough` (HYPOTHESIS_PROFILE=thorough) runs many more examples for a deliberate search.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from bopsim.experiments.cli import main

ROOT = Path(__file__).resolve().parent.parent

settings.register_profile(
    "default", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
settings.register_profile("thorough", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@dataclass(frozen=True)
class CliResult:
    """What one `bopsim` invocation returned and printed."""

    code: int
    out: str
    err: str


@pytest.fixture
def abstract_path() -> Path:
    """The example scenario shipped with the repository."""
    return ROOT / "scenarios" / "abstract.toml"


@pytest.fixture
def bopsim(capsys):
    """Call `bopsim.experiments.cli.main` in-process; returns a CliResult (argparse exits become codes)."""

    def invoke(*argv: str | Path) -> CliResult:
        capsys.readouterr()
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return invoke
