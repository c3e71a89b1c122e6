"""The results tab: open a batch result folder and compare two variants' outcome distributions."""

from __future__ import annotations

import numpy as np
import solara

from viz.figures import export, new_figure
from viz.results import Outcomes, difference, distribution, load_outcomes

VARIANT_COLOURS = ("#0072B2", "#D55E00")
"""The two compared variants (Okabe–Ito blue and vermillion)."""


def histogram_png(outcomes: Outcomes, column: str, first: str, second: str) -> bytes:
    """Overlaid histograms (shared bins, share of runs) of `column` for two variants."""
    a, b = outcomes.values(first, column), outcomes.values(second, column)
    both = np.concatenate([a, b])
    figure = new_figure(6.0, 3.2)
    ax = figure.add_subplot()
    if both.size:
        bins = np.histogram_bin_edges(both, bins=min(30, max(5, int(np.sqrt(both.size)))))
        for values, variant, colour in ((a, first, VARIANT_COLOURS[0]), (b, second, VARIANT_COLOURS[1])):
            if values.size:
                weights = np.full(values.size, 1.0 / values.size)
                ax.hist(values, bins=bins, weights=weights, histtype="stepfilled", alpha=0.35, color=colour)
                ax.hist(values, bins=bins, weights=weights, histtype="step", linewidth=1.5, color=colour,
                        label=f"{variant} (n={values.size})")
        ax.legend(fontsize=8, frameon=False)
    ax.set_xlabel(column)
    ax.set_ylabel("share of runs")
    return export(figure, "png")


@solara.component
def ResultsView(initial_folder: str = ""):
    """Folder input, then outcome and variant pickers, a distribution table and histograms."""
    folder = solara.use_reactive(initial_folder)
    opened, set_opened = solara.use_state(None)
    error, set_error = solara.use_state(None)

    def open_folder() -> None:
        try:
            set_opened(load_outcomes(folder.value))
            set_error(None)
        except ValueError as exc:
            set_opened(None)
            set_error(str(exc))

    with solara.Card("Batch results"):
        with solara.Row():
            solara.InputText("result folder (written by bopsim batch)", value=folder, continuous_update=True,
                             style={"min-width": "420px"})
            solara.Button("Open", color="primary", on_click=open_folder, classes=["bopsim-open-results"])
        if error:
            solara.Error(error, classes=["bopsim-message"])
    if opened is not None:
        Comparison(opened)


@solara.component
def Comparison(outcomes: Outcomes):
    """Pick an outcome and two variants; show their distributions side by side."""
    variants = outcomes.variants
    column = solara.use_reactive(outcomes.outcome_columns[0])
    first = solara.use_reactive(variants[0])
    second = solara.use_reactive(variants[1] if len(variants) > 1 else variants[0])
    with solara.Card(f"{outcomes.path.name}: {len(outcomes.frame)} runs, {len(variants)} variants"):
        with solara.Row():
            solara.Select("outcome", value=column, values=outcomes.outcome_columns)
            solara.Select("variant A", value=first, values=variants)
            solara.Select("variant B", value=second, values=variants)
        table = distribution(outcomes, column.value, [first.value, second.value])
        solara.DataFrame(table.round(4), items_per_page=5)
        diff = difference(outcomes, column.value, first.value, second.value)
        solara.Text(f"mean of B − mean of A: {diff.mean:.4g} (95% interval {diff.low:.4g} to {diff.high:.4g}; "
                    "normal approximation)", classes=["bopsim-difference"])
        png = solara.use_memo(lambda: histogram_png(outcomes, column.value, first.value, second.value),
                              [outcomes, column.value, first.value, second.value])
        solara.Image(png, format="png")
