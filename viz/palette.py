"""One fixed, colour-blind-safe colour per actor, shared by the dashboard and the figures.

Colours come from Paul Tol's "muted" scheme (9 colours, distinguishable under the common
colour-vision deficiencies; Tol 2021, "Colour schemes", SRON/EPS/TN/09-002) and the
Okabe–Ito scheme (Okabe & Ito 2008, "Color Universal Design"), plus black. An actor keeps its
colour across runs, variants and figures: the actors of the shipped scenarios have a fixed
entry in `KNOWN` (chosen so that actors that meet on the map differ most); an actor not in it
takes the colour its scenario declares (`colour = ...`), else a slot from a hash of its id
(CRC-32, stable across processes), moved to the next free slot if another actor of the same
scenario already has that colour.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping

from matplotlib.colors import to_rgb

TOL_MUTED = ("#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499")
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
PALETTE = TOL_MUTED + OKABE_ITO

UNGOVERNED = "#DDDDDD"
"""Ground that no actor holds (Tol's pale grey)."""

KNOWN = {
    # scenarios/abstract.toml
    "north": "#332288",
    "south": "#117733",
    "insurgents": "#000000",
    "patron": "#88CCEE",
    # scenarios/levant_2014*.toml
    "isis": "#000000",
    "iran": "#117733",
    "iraq": "#0072B2",
    "syria": "#882255",
    "turkey": "#CC6677",
    "saudi_arabia": "#DDCC77",
    "jordan": "#999933",
    "israel": "#88CCEE",
    "lebanon": "#332288",
    "hezbollah": "#F0E442",
    "pmf": "#44AA99",
    "peshmerga": "#E69F00",
    "ypg": "#D55E00",
    "opposition": "#AA4499",
    "us": "#CC79A7",
    "russia": "#56B4E9",
}
"""Fixed colours for the actors of the shipped scenarios (black for the insurgent proto-states)."""


def actor_colour(actor_id: str, declared: str | None = None) -> str:
    """The colour of one actor on its own: known, declared, or by hash of the id."""
    return KNOWN.get(actor_id) or declared or PALETTE[_slot(actor_id)]


def colour_map(actor_ids: Iterable[str], declared: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """Colours for all actors of one scenario, with hash collisions among other ids resolved.

    Known and declared colours are taken as they are; the remaining ids (in sorted order) take
    their hash slot, or the next palette colour that no actor of this scenario has yet.
    """
    declared = declared or {}
    ids = list(actor_ids)
    colours = {a: KNOWN.get(a) or declared.get(a) for a in ids if a in KNOWN or declared.get(a)}
    for a in sorted(set(ids) - set(colours)):
        used = set(colours.values())
        start = _slot(a)
        free = [PALETTE[(start + k) % len(PALETTE)] for k in range(len(PALETTE))]
        colours[a] = next((c for c in free if c not in used), PALETTE[start])
    return {a: colours[a] for a in ids}


def _slot(actor_id: str) -> int:
    return zlib.crc32(actor_id.encode("utf-8")) % len(PALETTE)


def blend(colour: str, weight: float, background: str = "#FFFFFF") -> tuple[float, float, float]:
    """RGB of `colour` mixed with `background`: weight 1 is the colour, 0 the background."""
    fg, bg = to_rgb(colour), to_rgb(background)
    return tuple(weight * f + (1 - weight) * b for f, b in zip(fg, bg, strict=True))
