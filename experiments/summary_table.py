"""A readable text table of a run's summary (for the terminal)."""

from __future__ import annotations


def _num(value: float | None, fmt: str) -> str:
    return "-" if value is None else format(value, fmt)


def format_summary(result: dict) -> str:
    """The summary dictionary of `bopsim.model.tables.summary` as an aligned text table."""
    header = ("actor", "kind", "capability", "power share", "territory km2 start", "peak (month)", "end",
              "strategic depth")
    rows = []
    for actor, s in result["actors"].items():
        rows.append((
            actor,
            s["kind"],
            f"{s['capability_start']:.1f} -> {s['capability_end']:.1f}",
            f"{s['power_share_start']:.3f} -> {s['power_share_end']:.3f}",
            f"{s['territory_km2_start']:,.0f}",
            f"{s['territory_km2_peak']:,.0f} ({s['territory_peak_date']})",
            f"{s['territory_km2_end']:,.0f}" + ("" if s["present_at_end"] else f" (left {s['last_date']})"),
            f"{_num(s['strategic_depth_start'], '.2f')} -> {_num(s['strategic_depth_end'], '.2f')}",
        ))
    widths = [max(len(str(r[i])) for r in (header, *rows)) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    events = ", ".join(f"{k} {v}" for k, v in result["events"].items())
    lines = [
        f"scenario {result['scenario']}: {result['start']} to {result['end']} ({result['steps']} months), seed {result.get('seed', '-')}",
        "",
        line(header),
        line(tuple("-" * w for w in widths)),
        *(line(r) for r in rows),
        "",
        f"battle deaths (total): {result['battle_deaths_total']:,.0f}   effective poles at end: "
        f"{result['effective_poles_end']:.2f}   bloc balance at end: {_num(result['bloc_balance_end'], '.2f')}",
        f"events: {events}",
    ]
    return "\n".join(lines)
