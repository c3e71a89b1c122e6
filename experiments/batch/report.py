"""The comparison table as text for the terminal, CSV, LaTeX (booktabs) or Markdown."""

from __future__ import annotations

import math

import pandas as pd

FORMATS = ("table", "csv", "latex", "markdown")
HEADER = ("n", "mean", "median", "95% CI", "diff vs baseline", "95% CI of diff", "d", "P(sign)", "censored")


STAT_NUMBERS = ("mean", "median", "ci_low", "ci_high", "diff", "diff_low", "diff_high")
SIGNIFICANT = 4
"""Significant digits of the largest number of an outcome; the outcome's other numbers get the same decimals."""
MAX_DECIMALS = 10


def format_comparison(table: pd.DataFrame, fmt: str, baseline: str, left_out: dict[str, str] | None = None) -> str:
    """`table` (from `compare.compare`) in `fmt`, one of FORMATS.

    `left_out` (outcome -> reason) is stated under the table (in a comment line for LaTeX;
    CSV stays a plain table and the caller reports it).
    """
    if fmt == "csv":
        return table.to_csv(index=False, float_format="%.10g", lineterminator="\n")
    groups = [c for c in table.columns if c not in ("outcome", "n", "mean", "median", "ci_low", "ci_high", "diff",
                                                       "diff_low", "diff_high", "effect_size", "p_sign", "censored")]
    decimals = {outcome: decimals_for(frame[list(STAT_NUMBERS)].to_numpy(dtype=float).ravel())
                for outcome, frame in table.groupby("outcome", sort=False)}
    rows = [(r["outcome"], " ".join(_label(r[g]) for g in groups), *_cells(r, decimals[r["outcome"]]))
            for _, r in table.iterrows()]
    header = ("outcome", " ".join(groups), *HEADER)
    notes = [f"left out: {outcome}: {reason}" for outcome, reason in (left_out or {}).items()]
    if fmt == "markdown":
        return _markdown(header, rows) + "".join(f"\n{n}\n" for n in notes)
    if fmt == "latex":
        return _latex(header, rows, baseline) + "".join(f"% {n}\n" for n in notes)
    return _text(header, rows, baseline) + "".join(f"\n{n}" for n in notes) + ("\n" if notes else "")


def decimals_for(values) -> int:
    """Decimals that give the largest finite |value| SIGNIFICANT significant digits (0 for large numbers)."""
    finite = [abs(float(v)) for v in values if math.isfinite(v) and v != 0]
    if not finite:
        return 0
    return min(max(SIGNIFICANT - 1 - math.floor(math.log10(max(finite))), 0), MAX_DECIMALS)


def format_number(value, decimals: int, sign: bool = False) -> str:
    """`value` with `decimals` decimals and thousands separators; rounding noise shows as 0, NaN as '-'."""
    if value is None or not math.isfinite(value):
        return "-"
    text = f"{float(value):,.{decimals}f}"
    if float(text.replace(",", "")) == 0:
        return "0"
    return f"+{text}" if sign and value > 0 else text


def _cells(row: pd.Series, decimals: int) -> tuple[str, ...]:
    num = lambda key, sign=False: format_number(row[key], decimals, sign)
    censored = row["censored"]
    return (
        f"{int(row['n']):,}", num("mean"), num("median"),
        f"[{num('ci_low')}, {num('ci_high')}]",
        "" if math.isnan(row["diff"]) else num("diff", sign=True),
        "" if math.isnan(row["diff"]) else f"[{num('diff_low', True)}, {num('diff_high', True)}]",
        "" if math.isnan(row["effect_size"]) else f"{row['effect_size']:+.2f}",
        "" if math.isnan(row["p_sign"]) else f"{row['p_sign']:.2f}",
        f"{censored:.0%}" if censored > 0 else "",
    )


def _label(value) -> str:
    """A factor value in a group label: strings as they are, numbers with up to 6 significant digits."""
    return value if isinstance(value, str) else f"{value:,.6g}"


def _text(header: tuple[str, ...], rows: list[tuple[str, ...]], baseline: str) -> str:
    """One block per outcome, columns aligned."""
    body = [r[1:] for r in rows]
    widths = [max(len(x) for x in col) for col in zip(header[1:], *body)]
    line = lambda cells: "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    out, current = [f"baseline: {baseline}; intervals: 95% percentile bootstrap; d: Cohen's d; P(sign): share of paired runs with the difference's sign"], None
    for row in rows:
        if row[0] != current:
            current = row[0]
            out += ["", row[0], line(header[1:]), line(tuple("-" * w for w in widths))]
        out.append(line(row[1:]))
    return "\n".join(out) + "\n"


def _markdown(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    escape = lambda c: c.replace("|", "\\|")
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * 2 + ["---:"] * (len(header) - 2)) + "|"]
    lines += ["| " + " | ".join(escape(c) for c in r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def _latex(header: tuple[str, ...], rows: list[tuple[str, ...]], baseline: str) -> str:
    escape = lambda c: c.replace("\\", r"\textbackslash{}").replace("_", r"\_").replace("%", r"\%").replace("&", r"\&")
    lines = [
        f"% baseline: {baseline}; intervals: 95% percentile bootstrap; d: Cohen's d; P(sign): share of paired runs with the difference's sign",
        r"\begin{tabular}{ll" + "r" * (len(header) - 2) + "}", r"\toprule",
        " & ".join(escape(h) for h in header) + r" \\", r"\midrule",
        *(" & ".join(escape(c) for c in r) + r" \\" for r in rows),
        r"\bottomrule", r"\end{tabular}",
    ]
    return "\n".join(lines) + "\n"
