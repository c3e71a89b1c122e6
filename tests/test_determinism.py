"""Same scenario and seed => byte-identical output files; another seed => different output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BOPSIM = Path(sys.executable).with_name("bopsim")


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The abstract scenario run in-process (seed 5 twice, seed 6 once), full length."""
    from bopsim.experiments.cli import main

    root = Path(__file__).resolve().parent.parent
    scenario = root / "scenarios" / "abstract.toml"
    base = tmp_path_factory.mktemp("determinism")
    folders = {}
    for label, seed in (("first", 5), ("again", 5), ("other", 6)):
        folders[label] = base / label
        assert main(["run", str(scenario), "--seed", str(seed), "--out", str(folders[label])]) == 0
    return scenario, folders


def test_same_seed_gives_identical_bytes_in_every_file(runs):
    _, folders = runs
    first, again = _files(folders["first"]), _files(folders["again"])
    assert set(first) >= {"model.csv", "actors.csv", "regions.csv", "events.csv", "summary.json"}
    assert first == again


def test_another_seed_gives_another_run(runs):
    _, folders = runs
    first, other = _files(folders["first"]), _files(folders["other"])
    assert first["model.csv"] != other["model.csv"]
    assert first["regions.csv"] != other["regions.csv"]


def test_identical_in_a_fresh_process_with_another_hash_seed(runs, tmp_path):
    """Set iteration order changes with PYTHONHASHSEED; the output must not."""
    scenario, folders = runs
    out = tmp_path / "fresh"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    done = subprocess.run([BOPSIM, "run", scenario, "--seed", "5", "--out", out],
                          capture_output=True, text=True, env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert _files(out) == _files(folders["first"])
