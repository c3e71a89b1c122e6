"""Colours and markers shared by the dashboard and the paper figures: one colour per actor, the
map's region faces, and the ranking and rings of blocs.

Actor colours. An actor takes the colour its scenario declares (`colour = "#rrggbb"`); failing
that, the actors of the shipped scenarios have a fixed entry in `KNOWN`, and any other actor a
slot of `PALETTE` from a hash of its id (CRC-32, stable across processes), moved to the next free
slot if another actor of the same scenario already has that colour. `PALETTE` (black and 15
colours) was chosen for the 16 actors of the Levant scenario plus the ungoverned grey so that
every pair stays apart for normal vision and for simulated deuteranopia, protanopia and
tritanopia: the smallest pairwise distance over the four is 15.1 in CAM02-UCS (Luo, Cui & Li
2006; CVD simulated after Machado, Oliveira & Fernandes 2009 at severity 100, as the
`colorspacious` library does; a distance of about 1 is barely noticeable). The search: a
greedy max-min pick from the 16^3 grid of sRGB colours with steps of 17, then a local search;
`tests/test_palette.py` measures it again. Hues do not carry meaning (they do not mark
alliances or identity).

Regions. A region is drawn in its majority holder's colour unchanged (paling it with the share
would make one actor's colour look like another's); a region its holder has less than
`DIVIDED_SHARE` of is marked with a texture instead.

Blocs. Blocs of two or more actors are ranked by total capability and ringed with
`BLOC_COLOURS`, none of which is an actor colour.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping

import numpy as np

PALETTE = ("#000000", "#000077", "#441100", "#332233", "#664444", "#7700CC", "#555577", "#AA2200", "#887777",
           "#9966FF", "#EE4433", "#AAAABB", "#FF8888", "#DD99FF", "#44DD00", "#AAFF99")
"""Actor colours, distinguishable in pairs under the common colour-vision deficiencies (see above)."""

UNGOVERNED = "#DDDDDD"
"""Ground that no actor holds (Tol's pale grey; part of the CVD check)."""

KNOWN = {
    # scenarios/abstract.toml
    "north": "#000077",
    "south": "#44DD00",
    "insurgents": "#000000",
    "patron": "#EE4433",
    # scenarios/levant_2014*.toml
    "isis": "#000000",
    "iran": "#44DD00",
    "iraq": "#000077",
    "syria": "#AA2200",
    "turkey": "#EE4433",
    "saudi_arabia": "#AAFF99",
    "jordan": "#887777",
    "israel": "#9966FF",
    "lebanon": "#DD99FF",
    "hezbollah": "#7700CC",
    "pmf": "#332233",
    "peshmerga": "#FF8888",
    "ypg": "#441100",
    "opposition": "#555577",
    "us": "#AAAABB",
    "russia": "#664444",
}
"""Colours of the actors of the shipped scenarios (black for the insurgent proto-states)."""

BLOC_COLOURS = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
"""Ring colours of blocs, strongest first (Okabe & Ito 2008, "Color Universal Design"); no actor colour."""

VARIANT_COLOURS = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
"""Variants of an experiment in charts: the baseline black, the others Okabe–Ito."""

MIN_TIE = 0.05
"""Ties weaker than this are not drawn (network charts of the dashboard and the figures)."""

DIVIDED_SHARE = 0.5
"""A region whose majority holder has less than this share of it is marked as divided."""


def actor_colour(actor_id: str, declared: str | None = None) -> str:
    """The colour of one actor on its own: declared, known, or by hash of the id."""
    return declared or KNOWN.get(actor_id) or PALETTE[_slot(actor_id)]


def colour_map(actor_ids: Iterable[str], declared: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """Colours for all actors of one scenario, with hash collisions among other ids resolved.

    Declared and known colours are taken as they are; the remaining ids (in sorted order) take
    their hash slot, or the next palette colour that no actor of this scenario has yet.
    """
    declared = declared or {}
    ids = list(actor_ids)
    colours = {a: declared.get(a) or KNOWN[a] for a in ids if declared.get(a) or a in KNOWN}
    for a in sorted(set(ids) - set(colours)):
        used = {c.upper() for c in colours.values()}
        start = _slot(a)
        free = [PALETTE[(start + k) % len(PALETTE)] for k in range(len(PALETTE))]
        colours[a] = next((c for c in free if c not in used), PALETTE[start])
    return {a: colours[a] for a in ids}


def _slot(actor_id: str) -> int:
    return zlib.crc32(actor_id.encode("utf-8")) % len(PALETTE)


def holders(control: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Majority holder (row index; the last row is ungoverned) and its share, per region, of an (n + 1) x R matrix."""
    holder = np.argmax(control, axis=0)
    return holder, control[holder, np.arange(control.shape[1])]


def divided(shares) -> np.ndarray:
    """True for regions whose majority holder has less than DIVIDED_SHARE of them."""
    return np.asarray(shares, dtype=float) < DIVIDED_SHARE


def ranked_blocs(capability: np.ndarray, bloc: np.ndarray) -> list[int]:
    """Labels of blocs with two or more members, by total capability, strongest first."""
    labels, counts = np.unique(bloc[bloc >= 0], return_counts=True)
    multi = labels[counts >= 2]
    power = [capability[bloc == label].sum() for label in multi]
    return [int(label) for _, label in sorted(zip(power, multi, strict=True), key=lambda pair: -pair[0])]


def bloc_rings(actor_ids: list[str], capability: np.ndarray, bloc: np.ndarray) -> list[tuple[str, list[str]]]:
    """(ring colour, member ids) of each bloc of two or more actors, strongest first."""
    return [(BLOC_COLOURS[rank % len(BLOC_COLOURS)], [a for a, b in zip(actor_ids, bloc, strict=True) if b == label])
            for rank, label in enumerate(ranked_blocs(capability, bloc))]
