"""Docking tables and the war-size figure, from the result folders of the docking experiments.

`docking_table(results)` compares each target of `experiments/docking/targets.py` whose
experiment has been run (a folder `results/<experiment>` holding a `bopsim batch` result) with
the runs, and `write_report` writes the tables (Markdown) and the log-log figure of GeoSim's war
sizes against the COW line of Cederman's Figure 1.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from bopsim.experiments.docking.equivalence import (
    ALPHA,
    Comparison,
    against_sample,
    against_share,
    against_value,
    directional,
)
from bopsim.experiments.docking.targets import TARGETS, Target

BOOTSTRAP = 2000
COW_INTERCEPT, COW_SLOPE = 1.27, -0.41
"""COW interstate wars 1820–1997: log10 P(S > s) = 1.27 − 0.41 log10 s (Cederman 2003, Figure 1)."""
COLUMNS = ["model", "kind", "setting", "outcome", "published", "source", "n", "mean", "ci_low", "ci_high", "test",
           "p_difference", "p_equivalence", "margin", "verdict"]


def outcome_values(folder: Path, setting: str, outcome: str) -> pd.Series:
    """One value per run of `setting` (indexed by replication and point), NaN runs left out."""
    table = pd.read_parquet(folder / "outcomes.parquet")
    rows = table[(table["scenario"] == setting) & (table["outcome"] == outcome)]
    return rows.set_index(["point", "replication"])["value"].dropna()


def death_turns(folder: Path, setting: str) -> tuple[np.ndarray, list[np.ndarray]]:
    """Turns of every state death in the runs of `setting` (from the `deaths` column of the model table), and per run."""
    table = pd.read_parquet(folder / "model.parquet", columns=["scenario", "run_id", "step", "deaths"])
    table = table[(table["scenario"] == setting) & (table["deaths"] > 0)]
    per_run = [np.repeat(g["step"].to_numpy(), g["deaths"].to_numpy().astype(int)) for _, g in table.groupby("run_id")]
    return (np.concatenate(per_run) if per_run else np.array([])), per_run


def pooled_median(per_run: list[np.ndarray], published: float, margin: float, seed: int = 0) -> Comparison:
    """Median over all runs' deaths; percentile bootstrap over runs: equivalent if the 90% interval lies
    within published ± margin, not equivalent if the 95% interval excludes the published value."""
    rng = np.random.default_rng(seed)
    median = float(np.median(np.concatenate(per_run)))
    draws = np.array([np.median(np.concatenate([per_run[k] for k in rng.integers(0, len(per_run), len(per_run))]))
                      for _ in range(BOOTSTRAP)])
    low95, high95 = np.quantile(draws, [0.025, 0.975])
    low90, high90 = np.quantile(draws, [0.05, 0.95])
    equivalent = published - margin < low90 and high90 < published + margin
    different = not low95 <= published <= high95
    verdict = "equivalent" if equivalent else ("not equivalent" if different else "inconclusive")
    return Comparison(len(per_run), median, float(low95), float(high95), "bootstrap over runs (90% CI in margin)",
                      float("nan"), float("nan"), verdict)


def compare(target: Target, folder: Path) -> Comparison:
    """The comparison `target` asks for, on the runs in `folder`."""
    if target.kind == "pooled_median":
        return pooled_median(death_turns(folder, target.setting)[1], target.published, target.margin)
    values = outcome_values(folder, target.setting, target.outcome)
    if len(values) < 2:
        return Comparison(len(values), float(values.mean()) if len(values) else float("nan"), float("nan"),
                          float("nan"), "—", float("nan"), float("nan"), "not computable: fewer than two runs with a value")
    if target.kind == "value":
        return against_value(values.to_numpy(), target.published, target.margin)
    if target.kind == "share":
        return against_share(values.to_numpy(), target.published, target.margin)
    if target.kind in ("above", "below"):
        return directional(values.to_numpy(), target.published, above=target.kind == "above")
    if target.kind == "decline":
        earlier = outcome_values(folder, target.setting, target.paired_with)
        later, earlier = values.align(earlier, join="inner")
        return directional((later - earlier).to_numpy(), 0.0, above=False)
    reference = outcome_values(folder, target.reference, target.outcome)
    return against_sample(values.to_numpy(), reference.to_numpy(), target.margin)


def docking_table(results: Path) -> pd.DataFrame:
    """One row per target whose experiment folder exists under `results`."""
    rows = []
    for target in TARGETS:
        folder = Path(results) / target.experiment
        if not (folder / "outcomes.parquet").is_file():
            continue
        c = compare(target, folder)
        published = target.published if target.kind != "control" else float("nan")
        outcome = f"{target.outcome} − {target.paired_with}" if target.kind == "decline" else target.outcome
        rows.append([target.model, target.kind, target.setting, outcome, published, target.source, c.n, c.mean,
                     c.ci_low, c.ci_high, c.test, c.p_difference, c.p_equivalence, target.margin, c.verdict])
    return pd.DataFrame(rows, columns=COLUMNS)


def markdown(table: pd.DataFrame) -> str:
    """The docking table as Markdown, one section per model."""
    out = []
    for model, rows in table.groupby("model", sort=False):
        out += [f"### {model}", "",
                "| setting | outcome | published | source | runs | bopsim mean [95% CI] | test | p (difference) | "
                "p (TOST) | margin | verdict |",
                "|---|---|---|---|---|---|---|---|---|---|---|"]
        for r in rows.itertuples(index=False):
            published = "—" if np.isnan(r.published) else f"{r.published:g}"
            margin = f"±{r.margin:g}" if r.kind in ("value", "share", "control", "pooled_median") else "—"
            estimate = "—" if np.isnan(r.mean) else f"{r.mean:.4g} [{r.ci_low:.4g}, {r.ci_high:.4g}]"
            out.append(f"| {r.setting} | `{r.outcome}` | {published} | {r.source} | {r.n} | {estimate} | {r.test} | {_p(r.p_difference)} | {_p(r.p_equivalence)} "
                       f"| {margin} | **{r.verdict}** |")
        out.append("")
    return "\n".join(out)


def _p(p: float) -> str:
    return "—" if np.isnan(p) else ("< 0.001" if p < 0.001 else f"{p:.3f}")


def war_size_figure(sizes: np.ndarray, path: Path, title: str) -> None:
    """Log-log survival function of war sizes (≥ 10^2.5) with its least-squares line and the COW line."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from bopsim.model.classic.geosim import FIT_MIN_LOG10, war_size_fit

    fitted = np.sort(sizes[sizes >= 10**FIT_MIN_LOG10])
    x = np.log10(fitted)
    y = np.log10((fitted.size - np.arange(fitted.size)) / fitted.size)
    fit = war_size_fit(sizes)
    fig, ax = plt.subplots(figsize=(5.5, 4.2))
    ax.plot(x, y, "o", ms=3, label=f"bopsim GeoSim: {fitted.size} wars")
    line = np.linspace(FIT_MIN_LOG10, max(7.0, x.max() if x.size else 7.0), 50)
    if np.isfinite(fit["slope"]):
        ax.plot(x, fit["slope"] * x + (y.mean() - fit["slope"] * x.mean()), "-",
                label=f"least squares: slope {fit['slope']:.2f}, R² {fit['r2']:.3f}")
    ax.plot(line, COW_INTERCEPT + COW_SLOPE * line, "--", color="grey",
            label="COW 1820–1997: 1.27 − 0.41 log s (Cederman 2003, Fig. 1)")
    ax.set(xlabel="log10 war size s (battle damage)", ylabel="log10 P(S ≥ s)", title=title)
    ax.legend(fontsize=7, loc="upper right")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=130)
    plt.close(fig)


def timing_table(results: Path, timings: dict[str, float]) -> str:
    """Wall-clock time of each experiment (this invocation) and CPU time of its runs (from the manifest)."""
    lines = ["| experiment | runs | wall-clock (s) | run time, sum (s) | per run (s) |", "|---|---|---|---|---|"]
    for folder in sorted(Path(results).iterdir()):
        manifest = folder / "manifest.json"
        if not manifest.is_file():
            continue
        runs = [r for r in json.loads(manifest.read_text())["runs"] if r["status"] == "ok"]
        total = sum(r["duration_s"] for r in runs)
        wall = timings.get(folder.name)
        lines.append(f"| {folder.name} | {len(runs)} | {'—' if wall is None else f'{wall:.0f}'} | {total:.0f} | "
                     f"{total / max(len(runs), 1):.2f} |")
    return "\n".join(lines)


def write_report(results: Path, docs: Path, timings: dict[str, float], figure_sizes: np.ndarray | None) -> Path:
    """Write docs/docking_results.md (tables, timings) and the war-size figure; returns the Markdown path."""
    table = docking_table(results)
    table.to_csv(Path(results) / "docking_table.csv", index=False)
    text = ["# Docking results", "",
            "Written by `make docking` (`python -m bopsim.experiments.docking.protocol`); the rules, margins and "
            "readings are in [docking.md](docking.md). Verdicts at level "
            f"{ALPHA}: *equivalent* (TOST rejects a difference beyond the margin), *not equivalent* (the test of "
            "difference rejects and TOST does not), *inconclusive* (neither), *reproduced* / *not reproduced* "
            "for a published direction.", "", "## Tables", "", markdown(table), "## Time", "",
            "Wall-clock of each experiment's last invocation (process pool) and the sum of its runs' "
            "durations, on the machine that ran them (a shared host gives longer times; CPU times of "
            "single runs are in `benchmarks/classic_results.md`).", "",
            timing_table(results, timings), ""]
    if figure_sizes is not None:
        war_size_figure(figure_sizes, Path(docs) / "img" / "docking_geosim_wars.png",
                        "GeoSim base setting, first replication")
        text += ["## War sizes", "", "![GeoSim war sizes against the COW line](img/docking_geosim_wars.png)", ""]
    path = Path(docs) / "docking_results.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(text), encoding="utf-8")
    return path
