"""Comparison statistics against hand-computed values, and the compare command."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.batch.batch import run_batch
from experiments.batch.compare import compare
from experiments.batch.config import load_experiment
from experiments.cli import main

SMALL = Path(__file__).parent / "data" / "batch_small.toml"


def _table(groups: dict[str, list[float]], outcome: str = "x.power_share.final", censored=None) -> pd.DataFrame:
    rows = [{"scenario": s, "outcome": outcome, "value": v, "censored": False} for s, vs in groups.items() for v in vs]
    frame = pd.DataFrame(rows)
    if censored is not None:
        frame["censored"] = censored
    return frame


def _row(table: pd.DataFrame, scenario: str) -> pd.Series:
    return table.set_index("scenario").loc[scenario]


def test_means_medians_differences_and_cohens_d_match_hand_computation():
    table = compare(_table({"a": [1, 2, 3, 4], "b": [3, 5, 7, 9]}), baseline="a")
    a, b = _row(table, "a"), _row(table, "b")
    assert (a["n"], a["mean"], a["median"]) == (4, 2.5, 2.5)
    assert (b["mean"], b["median"], b["diff"]) == (6.0, 6.0, 3.5)
    # pooled variance (3 * 5/3 + 3 * 20/3) / 6 = 25/6; d = 3.5 / sqrt(25/6)
    assert b["effect_size"] == pytest.approx(3.5 / math.sqrt(25 / 6))
    assert math.isnan(a["diff"]) and math.isnan(a["effect_size"])
    assert b["diff_low"] < 3.5 < b["diff_high"]


def test_bootstrap_interval_of_two_values_spans_both_and_of_a_constant_is_the_constant():
    # resampled means of [0, 1] are 0, 0.5, 1 with chances 1/4, 1/2, 1/4: the 2.5% and 97.5% points are 0 and 1
    table = compare(_table({"two": [0.0, 1.0], "flat": [5.0, 5.0, 5.0]}), baseline="two")
    assert (_row(table, "two")["ci_low"], _row(table, "two")["ci_high"]) == (0.0, 1.0)
    flat = _row(table, "flat")
    assert (flat["ci_low"], flat["ci_high"], flat["diff"]) == (5.0, 5.0, 4.5)
    assert (flat["diff_low"], flat["diff_high"]) == (4.0, 5.0)


def test_bootstrap_interval_of_a_large_sample_is_the_normal_one():
    values = np.random.default_rng(3).normal(10.0, 2.0, 400)
    row = _row(compare(_table({"a": list(values)}), baseline="a"), "a")
    half = 1.96 * values.std(ddof=1) / math.sqrt(len(values))
    assert row["ci_low"] == pytest.approx(values.mean() - half, abs=0.1 * half)
    assert row["ci_high"] == pytest.approx(values.mean() + half, abs=0.1 * half)


def test_missing_values_are_left_out_and_censoring_is_reported():
    frame = _table({"a": [3, np.nan, 5, 12]}, outcome="isis.territory_lost.month", censored=[False, False, False, True])
    row = _row(compare(frame, baseline="a"), "a")
    assert (row["n"], row["mean"]) == (3, pytest.approx(20 / 3))
    assert row["censored"] == pytest.approx(1 / 3)


def test_comparison_is_deterministic_and_independent_of_other_outcomes():
    one = _table({"a": [1, 4, 2, 8], "b": [2, 2, 9, 1]})
    both = pd.concat([one, _table({"a": [0, 1], "b": [1, 1]}, outcome="y.capability.peak")])
    first = compare(one, baseline="a")
    pd.testing.assert_frame_equal(first, compare(one, baseline="a"))
    pd.testing.assert_frame_equal(first, compare(both, baseline="a").query("outcome == 'x.power_share.final'")
                                  .reset_index(drop=True))


def test_differences_are_taken_within_the_same_factor_values():
    frame = _table({"a": [1, 1], "b": [2, 2]})
    frame["f"] = [0, 1, 0, 1]
    frame.loc[frame["f"] == 1, "value"] += 10
    table = compare(frame, baseline="a", factors=["f"])
    assert list(table.dropna(subset=["diff"])["diff"]) == [1.0, 1.0]


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cmp") / "r"
    run_batch(load_experiment(SMALL), out, "serial", progress=False)
    return out


@pytest.mark.parametrize("fmt, marker", [("table", "baseline: base"), ("csv", "outcome,scenario"),
                                         ("latex", r"\toprule"), ("markdown", "|---|")])
def test_compare_command_formats(results, capsys, fmt, marker):
    assert main(["compare", str(results), "--format", fmt, "--outcome", "north.power_share.*"]) == 0
    out = capsys.readouterr().out
    assert marker in out and "strong_north" in out.replace(r"\_", "_")


def test_compare_command_rejects_an_unknown_baseline(results, capsys):
    assert main(["compare", str(results), "--baseline", "nope"]) == 2
    assert "--baseline: 'nope' is not a scenario" in capsys.readouterr().err


def test_degenerate_outcomes_are_named_with_their_reason():
    from experiments.batch.compare import degenerate

    frame = pd.concat([
        _table({"a": [36, 36], "b": [36, 36]}, outcome="isis.territory_lost.month", censored=[True] * 4),
        _table({"a": [0.0, 0.0], "b": [0.0, 0.0]}, outcome="x.strategic_depth.final"),
        _table({"a": [1.0, 2.0], "b": [3.0, 4.0]}, outcome="x.power_share.final"),
    ], ignore_index=True)
    assert degenerate(frame) == {
        "isis.territory_lost.month": "censored in every run (the event did not happen before the horizon)",
        "x.strategic_depth.final": "one value in every run (0)",
    }


def test_numbers_of_an_outcome_share_their_decimals_with_separators_and_no_exponent():
    from experiments.batch.report import decimals_for, format_number

    # largest |value| 123,456.7 has 6 integer digits: 4 significant digits need no decimal
    assert decimals_for([123456.7, 3.47e-18]) == 0
    assert format_number(123456.7, 0) == "123,457"
    assert format_number(3.47e-18, 4) == "0"  # rounding noise of a bootstrap of constants
    assert format_number(-3.47e-18, 4, sign=True) == "0"
    # largest 0.3456: 4 significant digits are 4 decimals
    assert decimals_for([0.3456, 0.01]) == 4
    assert format_number(0.01, 4, sign=True) == "+0.0100"
    assert format_number(float("nan"), 2) == "-"


def test_compare_command_names_the_outcomes_it_leaves_out(results, capsys):
    assert main(["compare", str(results), "--outcome", "north.*"]) == 0
    out = capsys.readouterr().out
    # north's territory is its home in every run of this small batch: one value, left out
    assert "left out: north.territory_km2.final: one value in every run (70,000)" in out
    assert "\nnorth.territory_km2.final\n" not in out and "\nnorth.power_share.final\n" in out
    assert "e-" not in out
