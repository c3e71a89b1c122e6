"""The results tab: the batches under the results folder, every variant at once.

Pick a batch folder (only those under the folder the dashboard was started for are offered
or opened) and an outcome: a forest plot of every variant's mean and its difference from the
baseline, with the 95% bootstrap intervals of `bopsim compare` and each variant's censored
share; the table behind it; and, when the batch kept per-actor series, the median and central
90% band of one actor's trajectory per variant.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import solara

from experiments.batch.report import decimals_for, format_number
from model.palette import VARIANT_COLOURS
from viz.catalogue import default_results
from viz.figures import export, new_figure
from viz.results import (SERIES_METRICS, Batch, ResultsError, actors_in_series, comparison, degenerate_note,
                         open_batch, result_folders, trajectory_bands)



def forest_png(table: pd.DataFrame, outcome: str) -> bytes:
    """Two panels: each variant's mean and 95% interval; its difference from the baseline and interval."""
    figure = new_figure(11.0, 1.2 + 0.45 * len(table))
    means, diffs = figure.subplots(1, 2, sharey=True)
    y = np.arange(len(table))
    for ax, (mid, low, high), title in ((means, ("mean", "ci_low", "ci_high"), "mean (95% bootstrap interval)"),
                                        (diffs, ("diff", "diff_low", "diff_high"), "difference from the baseline")):
        ok = table[mid].notna().to_numpy()
        ax.errorbar(table[mid][ok], y[ok], xerr=[(table[mid] - table[low])[ok], (table[high] - table[mid])[ok]],
                    fmt="o", color="#000000", markersize=4, elinewidth=1.2, capsize=2.5)
        ax.set_title(title, loc="left", fontsize=10)
        ax.grid(axis="x", color="#EEEEEE")
    diffs.axvline(0.0, color="#999999", linewidth=0.8, zorder=0)
    labels = [label + (f"  ({share:.0%} censored)" if share > 0 else "")
              for label, share in zip(table["label"], table["censored"], strict=True)]
    means.set_yticks(y, labels, fontsize=9)
    means.invert_yaxis()
    figure.suptitle(outcome, x=0.01, ha="left", fontsize=11)
    return export(figure, "png")


def bands_png(table: pd.DataFrame, scenarios: list[str], actor: str, metric: str) -> bytes:
    """Median line and central-90% band per variant over the months of the stored series."""
    figure = new_figure(8.0, 3.6)
    ax = figure.add_subplot()
    dates = sorted(table["date"].unique())
    position = {d: k for k, d in enumerate(dates)}
    for k, scenario in enumerate(scenarios):
        rows = table[table["scenario"] == scenario]
        if rows.empty:
            continue
        x = rows["date"].map(position).to_numpy()
        colour = VARIANT_COLOURS[k % len(VARIANT_COLOURS)]
        ax.fill_between(x, rows["low"], rows["high"], color=colour, alpha=0.15, linewidth=0)
        ax.plot(x, rows["median"], color=colour, linewidth=1.8, label=f"{scenario} (n={int(rows['n'].max())})")
    step = max(len(dates) // 8, 1)
    ax.set_xticks(range(0, len(dates), step), [dates[k] for k in range(0, len(dates), step)], fontsize=8)
    ax.set_ylabel(metric.replace("_", " "))
    ax.set_title(f"{actor}: median and central 90% of runs", loc="left", fontsize=10)
    ax.legend(fontsize=8, frameon=False, loc="best")
    return export(figure, "png")


def shown_table(table: pd.DataFrame) -> pd.DataFrame:
    """The comparison as the page shows it: one decimal rule per outcome, thousands separated."""
    decimals = decimals_for(table[["mean", "ci_low", "ci_high", "diff", "diff_low", "diff_high"]].to_numpy().ravel())
    num = lambda value, sign=False: format_number(value, decimals, sign)
    return pd.DataFrame({
        "variant": table["label"], "runs": [f"{int(n):,}" for n in table["n"]],
        "mean": [num(v) for v in table["mean"]],
        "95% interval": [f"{num(lo)} to {num(hi)}" for lo, hi in zip(table["ci_low"], table["ci_high"], strict=True)],
        "difference": ["" if np.isnan(d) else num(d, True) for d in table["diff"]],
        "95% interval of difference": ["" if np.isnan(d) else f"{num(lo, True)} to {num(hi, True)}"
                                       for d, lo, hi in zip(table["diff"], table["diff_low"], table["diff_high"], strict=True)],
        "censored": [f"{c:.0%}" for c in table["censored"]],
    })


@solara.component
def ResultsView():
    """The batch folders under the results folder; the chosen one compared variant by variant."""
    root = solara.use_memo(default_results, [])
    folders = solara.use_memo(lambda: result_folders(root), [])
    typed = solara.use_reactive(folders[0] if folders else "")
    opened, set_opened = solara.use_state(None)
    error, set_error = solara.use_state(None)

    def open_folder(name: str) -> None:
        typed.set(name)
        try:
            set_opened(open_batch(root, name.strip()))
            set_error(None)
        except ResultsError as exc:
            set_opened(None)
            set_error(str(exc))

    with solara.Card("Batch results"):
        if folders:
            solara.Select("batch", value=typed.value if typed.value in folders else None, values=folders,
                          on_value=open_folder, classes=["bopsim-batch-choice"])
        else:
            solara.Info(f"No batch results under the results folder ({root.name}/); start the dashboard with "
                        "`bopsim dashboard --results DIR` for another.", dense=True)
        with solara.Row():
            solara.InputText("batch folder, relative to the results folder", value=typed, continuous_update=True,
                             style={"min-width": "420px"}, classes=["bopsim-batch-name"])
            solara.Button("Open", color="primary", on_click=lambda: open_folder(typed.value),
                          classes=["bopsim-open-results"])
        if error:
            solara.Error(error, classes=["bopsim-message"])
    if opened is not None:
        Comparison(opened)


@solara.component
def Comparison(batch: Batch):
    """Pick an outcome: forest plot and table of every variant; trajectory bands below."""
    outcome = solara.use_reactive(batch.outcome_names[0])
    if outcome.value not in batch.outcome_names:
        outcome.set(batch.outcome_names[0])
    note = degenerate_note(batch, outcome.value)
    table = solara.use_memo(lambda: comparison(batch, outcome.value), [batch, outcome.value])
    with solara.Card(f"{batch.name}: {batch.runs:,} runs, {len(batch.scenarios)} variants, baseline {batch.baseline}",
                     classes=["bopsim-batch"]):
        solara.Select("outcome", value=outcome, values=batch.outcome_names)
        if note:
            solara.Warning(f"{outcome.value}: {note}; nothing to compare.", classes=["bopsim-degenerate"])
        png = solara.use_memo(lambda: forest_png(table, outcome.value), [table])
        solara.Image(png, format="png", classes=["bopsim-forest"])
        solara.DataFrame(shown_table(table), items_per_page=20)
        solara.Text("Intervals: 95% percentile bootstrap of the mean, as `bopsim compare` prints; a censored run "
                    "counts with the horizon (restricted mean time to event).", style={"font-size": "0.85em"})
    if batch.series is not None:
        Bands(batch)


@solara.component
def Bands(batch: Batch):
    """One actor's stored series: median and central 90% band per variant."""
    actors = solara.use_memo(lambda: actors_in_series(batch), [batch])
    actor = solara.use_reactive(actors[0] if actors else None)
    metric = solara.use_reactive(SERIES_METRICS[0])
    table = solara.use_memo(lambda: trajectory_bands(batch, actor.value, metric.value) if actors else None,
                            [batch, actor.value, metric.value])
    if table is None:
        return
    with solara.Card("Trajectories", classes=["bopsim-bands"]):
        with solara.Row():
            solara.Select("actor", value=actor, values=actors)
            solara.Select("series", value=metric, values=list(SERIES_METRICS))
        solara.Image(bands_png(table, batch.scenarios, actor.value, metric.value), format="png")
