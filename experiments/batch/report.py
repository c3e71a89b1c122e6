"""The comparison table as text for the terminal, CSV, LaTeX (booktabs) or Markdown."""

from __future__ import annotations

import math

import pandas as pd

FORMATS = ("table", "csv", "latex", "markdown")
HEADER = ("n", "mean", "median", "95% CI", "diff vs baseline", "95% CI of diff", "d", "P(sign)", "censored")


def format_comparison(table: pd.DataFrame, fmt: str, baseline: str) -> str:
    """`table` (from `compare.compare`) in `fmt`, one of FORMATS."""
    if fmt == "csv":
        return table.to_csv(index=False, float_format="%.10g", lineterminator="\n")
    groups = [c for c in table.columns if c not in ("outcome", "n", "mean", "median", "ci_low", "ci_high", "diff",
                                                       "diff_low", "diff_high", "effect_size", "p_sign", "censored")]
    rows = [(r["outcome"], " ".join(_num(r[g]) for g in groups), *_cells(r)) for _, r in table.iterrows()]
    header = ("outcome", " ".join(groups), *HEADER)
    if fmt == "markdown":
        return _markdown(header, rows)
    if fmt == "latex":
        return _latex(header, rows, baseline)
    return _text(header, rows, baseline)


def _cells(row: pd.Series) -> tuple[str, ...]:
    censored = row["censored"]
    return (
        str(int(row["n"])), _num(row["mean"]), _num(row["median"]),
        f"[{_num(row['ci_low'])}, {_num(row['ci_high'])}]",
        "" if math.isnan(row["diff"]) else _num(row["diff"], sign=True),
        "" if math.isnan(row["diff"]) else f"[{_num(row['diff_low'], sign=True)}, {_num(row['diff_high'], sign=True)}]",
        "" if math.isnan(row["effect_size"]) else f"{row['effect_size']:+.2f}",
        "" if math.isnan(row["p_sign"]) else f"{row['p_sign']:.2f}",
        f"{censored:.0%}" if censored > 0 else "",
    )


def _num(value, sign: bool = False) -> str:
    """4 significant digits, thousands separated; strings as they are."""
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    value = float(value)
    if value != 0 and (abs(value) >= 1e4 or abs(value) < 1e-3):
        text = f"{value:,.0f}" if abs(value) >= 1e4 else f"{value:.3g}"
    else:
        text = f"{value:.4g}"
    return f"+{text}" if sign and value > 0 else text


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
