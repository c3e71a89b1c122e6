"""The event log as the page shows it: newest first, grouped by kind, one sentence per event."""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping

GROUPS = {
    "control": ("control_change",),
    "ties": ("tie_formed", "tie_broken", "tie"),
    "entries and exits": ("entry", "exit"),
    "strategy": ("strategy",),
    "relations": ("relation",),
    "wars": ("war_start", "war_end"),
}
"""Event kinds of the model log (see RegionalModel.record) by the group the page filters on."""

DEFAULT_GROUPS = ("control", "ties", "entries and exits", "strategy")


def select(log: list[dict], groups: Iterable[str], limit: int = 200) -> list[dict]:
    """The last `limit` events whose kind is in `groups`, newest first."""
    kinds = {kind for group in groups for kind in GROUPS.get(group, ())}
    picked = []
    for event in reversed(log):
        if event["kind"] in kinds:
            picked.append(event)
            if len(picked) >= limit:
                break
    return picked


def describe(event: Mapping, names: Mapping[str, str]) -> str:
    """One neutral sentence for an event (ids resolved through `names`, actors and regions)."""
    name = lambda key: names.get(event.get(key, ""), event.get(key, ""))  # noqa: E731
    value = event.get("value", math.nan)
    kind = event["kind"]
    if kind == "control_change":
        return f"{name('region')}: majority control from {name('other')} to {name('actor')} ({value:.0%} share)"
    if kind == "tie_formed":
        return f"tie formed: {name('actor')} – {name('other')} (strength {value:.2f})"
    if kind == "tie_broken":
        return f"tie broken: {name('actor')} – {name('other')} (strength {value:.2f})"
    if kind == "tie":
        return f"scheduled tie: {name('actor')} – {name('other')} set to {value:.2f}"
    if kind == "entry":
        return f"{name('actor')} enters"
    if kind == "exit":
        return f"{name('actor')} leaves"
    if kind == "strategy":
        return f"{name('actor')} changes strategy: {event.get('detail', '')}"
    if kind == "relation":
        return f"relation {name('actor')} – {name('other')} set to {value:+.2f}"
    if kind == "war_start":
        return f"war starts: {name('actor')} – {name('other')}"
    if kind == "war_end":
        return f"war ends: {name('actor')} – {name('other')} ({value:.1f} capability units lost, {event.get('detail', '')})"
    return f"{kind}: {name('actor')} {name('other')} {name('region')}".strip()


def table_html(events: list[dict], names: Mapping[str, str]) -> str:
    """An HTML table (month, event) of already selected events; all text escaped."""
    if not events:
        return "<p class='bopsim-empty'>No events of the selected kinds yet.</p>"
    rows = "".join(f"<tr><td style='white-space:nowrap;padding-right:8px'>{html.escape(e['date'])}</td>"
                   f"<td>{html.escape(describe(e, names))}</td></tr>"
                   for e in events)
    return ("<table class='bopsim-events'><thead><tr><th>month</th><th>event</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")
