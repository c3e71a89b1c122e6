"""Derive levant_regions.csv (the scenario loader's columns) from the copied source tables.

Inputs beside this file: regions_source.csv (shared/data/regions/regions.csv, unchanged) and
region_identity.csv (the hand coding of region identity, rule in README.md). Output:
levant_regions.csv. Rules: area_km2 is area_ref_km2 where a published area is given, else the
Natural Earth polygon area (regions README, "Note for use"); a blank terrain becomes "open";
desert_share is the share of the polygon inside Natural Earth "Desert" polygons as the source's
terrain_basis states it (0 where the basis gives no desert percentage: the urban and mountain rows);
lon/lat is the label point (inside the polygon). Run: python scenarios/data/derive_levant_regions.py
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

HERE = Path(__file__).parent
COLUMNS = ("id", "name", "area_km2", "population", "terrain", "desert_share", "country", "lon", "lat", "source",
           "identity_x", "identity_y")
DESERT = re.compile(r"(\d+)% of area inside NE desert|NE desert (\d+)%")
"""The desert percentage in the source's terrain_basis ("71% of area inside NE desert polygons",
"no rule met (NE desert 12%, ...)")."""


def desert_share(terrain_basis: str) -> str:
    """Share of the region's area inside NE desert polygons, from the terrain basis ("0.71")."""
    found = DESERT.search(terrain_basis)
    return f"{int(found.group(1) or found.group(2)) / 100:.2f}" if found else "0.00"


def derive_row(source: dict[str, str], identity: dict[str, str]) -> dict[str, str]:
    """One output row from a source row and its identity coding."""
    area = source["area_ref_km2"] or source["area_km2"]
    area_basis = source["area_ref_source"] if source["area_ref_km2"] else "Natural Earth 10m admin-1 polygon, geodesic"
    return {
        "id": source["id"],
        "name": source["name"],
        "area_km2": area,
        "population": source["population"],
        "terrain": source["terrain"] or "open",
        "desert_share": desert_share(source["terrain_basis"]),
        "country": source["country_iso3"],
        "lon": source["label_lon"],
        "lat": source["label_lat"],
        "source": f"area: {area_basis}; population {source['pop_year']}: {source['pop_source']}; "
                  f"identity: {identity['basis']} (region_identity.csv)",
        "identity_x": identity["identity_x"],
        "identity_y": identity["identity_y"],
    }


def main() -> None:
    with (HERE / "region_identity.csv").open(newline="", encoding="utf-8") as handle:
        identity = {row["id"]: row for row in csv.DictReader(handle)}
    with (HERE / "regions_source.csv").open(newline="", encoding="utf-8") as handle:
        rows = [derive_row(row, identity[row["id"]]) for row in csv.DictReader(handle)]
    with (HERE / "levant_regions.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
