"""Fuzzing the input files: every mutation of the Levant scenario and experiment ends well.

Each example mutates one place of scenarios/levant_2014.toml (or of its region table, or of a
variant that extends it), or of experiments/configs/levant_strategies.toml: a value replaced by another of any type or size, a
key removed or added, a list item doubled. The command then either succeeds with finite outputs,
or exits 2 with one line naming the file; never exit 1, a traceback, NaN or inf in an output, or
a file written outside the output folder. The default run is fast; `make fuzz` runs many more
examples (BOPSIM_FUZZ_EXAMPLES).
"""

from __future__ import annotations

import contextlib
import copy
import csv
import functools
import io
import math
import os
import shutil
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from worlds import to_toml

from bopsim.experiments.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = int(os.environ.get("BOPSIM_FUZZ_EXAMPLES", "40"))
OUTSIDE = Path("/tmp/bopsim-fuzz-escape")

DEEP = functools.reduce(lambda inner, _: [inner], range(20), "deep")
"""An array nested 20 deep (the limit is 16)."""
VALUES: list[Any] = [
    "", "x", "36", "yes", "no", "russsia", "isis", "iran", "2014-13", "2013-01", "2030-01", "/tmp/bopsim-fuzz-escape",
    "../../../tmp/bopsim-fuzz-escape", "data/levant_regions.geojson", "x" * 200_000, "#12345g",
    True, False, 0, -1, 1, 2, 36, 150, -5, 10**9, 2**63 - 1, -(2**63),
    0.0, -0.5, 0.5, 1.5, 1e-320, 1e300, -1e300, 1e308, math.nan, math.inf, -math.inf,
    [], [0], ["x"], [1.5, 2.5], DEEP, {}, {"x": 1},
    [{"behaviour": "expeditionary", "ally": "iran"}], [{"behaviour": "offensive", "share": "0.5"}],
    [{"path": "parameters.attrition", "values": [0.02, 0.2]}],
]


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in a parsed TOML document: keys of tables and items of lists, depth first."""
    places = [prefix] if prefix else []
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        places += _paths(child, (*prefix, key))
    return places


@st.composite
def mutations(draw, raw: dict) -> dict:
    """`raw` with one place replaced, removed, doubled, or given an unknown key."""
    mutant = copy.deepcopy(raw)
    path = draw(st.sampled_from(_paths(raw)))
    *parents, last = path
    node = mutant
    for key in parents:
        node = node[key]
    operation = draw(st.sampled_from(["replace", "replace", "replace", "remove", "double", "add"]))
    if operation == "replace":
        node[last] = copy.deepcopy(draw(st.sampled_from(VALUES)))
    elif operation == "remove":
        del node[last]
    elif operation == "double" and isinstance(node, list):
        node.insert(last, copy.deepcopy(node[last]))
    elif isinstance(node[last], dict):
        node[last]["fuzz_field"] = copy.deepcopy(draw(st.sampled_from(VALUES)))
    else:
        node[last] = copy.deepcopy(draw(st.sampled_from(VALUES)))
    return mutant


@pytest.fixture(scope="module")
def place(tmp_path_factory) -> Path:
    """A copy of the scenarios (with their data) and the experiment, as laid out in the repository."""
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(ROOT / "scenarios", root / "scenarios", ignore=shutil.ignore_patterns("*_patterns*", "README*"))
    (root / "experiments" / "configs").mkdir(parents=True)
    shutil.copy(ROOT / "experiments" / "configs" / "levant_strategies.toml", root / "experiments" / "configs")
    return root


def _invoke(argv: list[str | Path], cwd: Path) -> tuple[int, str]:
    """Run the command line in-process from `cwd`; (exit code, standard error)."""
    err = io.StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return code, err.getvalue()


def _snapshot(root: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def _assert_ended_well(code: int, err: str, place: Path, out: Path, before: dict[Path, int], mutant: Path) -> None:
    assert code in (0, 2), f"exit {code}: {err}"
    assert "Traceback" not in err
    if code == 2:
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("bopsim: error: "), err
        assert str(place) in lines[0] or str(mutant.name) in lines[0], f"the error names no file: {err}"
        assert not out.exists() or not any(out.iterdir()) or code == 0
    after = _snapshot(place)
    written = {p for p in after if before.get(p) != after[p]}
    assert all(p.is_relative_to(out) for p in written), f"written outside {out}: {written}"
    assert not OUTSIDE.exists()


def _assert_finite_tables(out: Path) -> None:
    # NaN (an empty cell) is the stated value of these: no home, an event without a value; the
    # events' text columns read as NaN when every cell is empty
    allowed_nan = {("actors", "strategic_depth"), ("events", "value"), ("events", "other"), ("events", "region"),
                   ("events", "detail")}
    for table in ("model", "actors", "regions", "control", "events"):
        frame = pd.read_csv(out / f"{table}.csv")
        for column in frame.select_dtypes("number"):
            values = frame[column].to_numpy(dtype=float)
            assert not np.isinf(values).any(), f"{table}.{column}: inf"
            assert (table, column) in allowed_nan or not np.isnan(values).any(), f"{table}.{column}: NaN"


SCENARIO = tomllib.loads((ROOT / "scenarios" / "levant_2014.toml").read_text(encoding="utf-8"))
VARIANT = tomllib.loads((ROOT / "scenarios" / "levant_2014_no_russia.toml").read_text(encoding="utf-8"))
EXPERIMENT = tomllib.loads((ROOT / "experiments" / "configs" / "levant_strategies.toml").read_text(encoding="utf-8"))


@settings(max_examples=EXAMPLES)
@given(mutant=st.one_of(mutations(SCENARIO), mutations(VARIANT)))
def test_a_mutated_scenario_runs_or_is_refused_in_one_line(place, mutant):
    path = place / "scenarios" / "mutant.toml"
    path.write_text(to_toml(mutant), encoding="utf-8")
    _run_mutant(place, path, 6, path)


REGIONS = list(csv.DictReader((ROOT / "scenarios" / "data" / "levant_regions.csv").open(encoding="utf-8")))


@settings(max_examples=max(EXAMPLES // 4, 5))
@given(row=st.integers(0, len(REGIONS) - 1), column=st.sampled_from(list(REGIONS[0])),
       value=st.sampled_from([v for v in VALUES if isinstance(v, (str, int, float)) and not isinstance(v, bool)]))
def test_a_mutated_region_table_runs_or_is_refused_in_one_line(place, row, column, value):
    rows = copy.deepcopy(REGIONS)
    rows[row][column] = str(value)
    table = place / "scenarios" / "data" / "mutant_regions.csv"
    with table.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(REGIONS[0]))
        writer.writeheader()
        writer.writerows(rows)
    path = place / "scenarios" / "mutant.toml"
    path.write_text(to_toml(SCENARIO | {"region_file": "data/mutant_regions.csv"}), encoding="utf-8")
    _run_mutant(place, path, 3, table)


def _run_mutant(place, path, steps: int, blamed) -> None:
    """`bopsim run` of the mutated scenario `path`: it ends well (finite tables, or one line naming `blamed`)."""
    out = place / "out"
    shutil.rmtree(out, ignore_errors=True)
    before = _snapshot(place)
    code, err = _invoke(["run", path, "--steps", str(steps), "--out", out], place)
    _assert_ended_well(code, err, place, out, before, blamed)
    if code == 0:
        _assert_finite_tables(out)


@settings(max_examples=max(EXAMPLES // 4, 5))
@given(mutant=mutations(EXPERIMENT))
def test_a_mutated_experiment_runs_or_is_refused_in_one_line(place, mutant):
    path = place / "experiments" / "configs" / "mutant.toml"
    path.write_text(to_toml(mutant), encoding="utf-8")
    out = place / "results"
    shutil.rmtree(out, ignore_errors=True)
    before = _snapshot(place)
    code, err = _invoke(["batch", path, "--out", out, "--executor", "serial", "--replications", "1", "--steps", "2",
                         "--no-progress"], place)
    _assert_ended_well(code, err, place, out, before, path)
    if code == 0:
        outcomes = pd.read_parquet(out / "outcomes.parquet")
        assert not np.isinf(outcomes["value"].to_numpy(dtype=float)).any()
        model = pd.read_parquet(out / "model.parquet").select_dtypes("number").to_numpy(dtype=float)
        assert np.isfinite(model).all()
