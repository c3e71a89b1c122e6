"""Derive the scenario's region table (levant_regions.csv) and the map of Aleppo drawn as its
districts (levant_regions_aleppo_districts.csv, levant_adjacency_aleppo_districts.csv,
levant_regions_aleppo_districts.geojson) from the copied source tables.

Inputs beside this file: regions_source.csv, levant_adjacency.csv and levant_regions.geojson
(shared/data/regions, unchanged), region_identity.csv (the hand coding of region identity, rule in
README.md), and the split: aleppo_districts.csv (the regions that replace the governorate, with
published areas, 2004 census populations and identities), aleppo_nahiya_seats.csv (the seats of
the districts' subdistricts, for the drawing) and euphrates_ne10m.geojson (the river, Natural
Earth). Rules for the rows: area_km2 is area_ref_km2 where a published area is given, else the
Natural Earth polygon area (regions README, "Note for use"); a blank terrain becomes "open";
desert_share is the share of the polygon inside Natural Earth "Desert" polygons as the source's
terrain_basis states it (0 where the basis gives no desert percentage: the urban and mountain rows);
lon/lat is the label point (inside the polygon). A district region takes its published area, the
governorate's population in proportion to its 2004 census population, the governorate's terrain
and country, and names the governorate in `part_of`. The drawing of the districts is schematic
(for maps and borders; the areas are the published ones): the governorate's polygon east of the
Euphrates is Ayn al-Arab (the district lies east of the river); west of it, each point belongs to
the region of the nearest subdistrict seat (Voronoi cells of the seats). Borders: the source's,
with the governorate's replaced by those of the drawing (a shared boundary of 0.5 km or more).
Run: python scenarios/data/derive_levant_regions.py (needs shapely: pip install ".[data]")
"""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path

HERE = Path(__file__).parent
COLUMNS = ("id", "name", "area_km2", "population", "terrain", "desert_share", "country", "lon", "lat", "source",
           "identity_x", "identity_y")
DISTRICT_COLUMNS = (*COLUMNS, "part_of")
DISTRICTS = "aleppo_districts"
"""The suffix of the district map's files (levant_regions_aleppo_districts.csv, ...)."""
BORDER_COLUMNS = ("region_a", "region_b", "shared_border_km")
MIN_BORDER_KM = 0.5
"""Shortest shared boundary counted as a border (the source's rule, regions README "Adjacency")."""
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


def read_rows(name: str) -> list[dict[str, str]]:
    """The rows of a CSV file beside this script."""
    with (HERE / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write_rows(path: Path, columns: tuple[str, ...], rows: list[dict]) -> None:
    """Write `rows` to the CSV file `path`."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def split_row(parent: dict[str, str], district: dict[str, str], census_total: int, label) -> dict[str, str]:
    """The row of a region that replaces part of the governorate `parent` (a derived row).

    Population: the governorate's, in proportion to the region's 2004 census population.
    """
    population = round(float(parent["population"]) * int(district["population_2004"]) / census_total)
    return {
        **parent,
        "id": district["id"],
        "name": district["name"],
        "area_km2": district["area_km2"],
        "population": str(population),
        "lon": f"{label.x:.4f}",
        "lat": f"{label.y:.4f}",
        "source": f"area: {district['area_basis']}; population: the governorate's ({parent['population']}) times the "
                  f"region's share of its 2004 census ({district['population_basis']}); identity: "
                  f"{district['identity_basis']} (aleppo_districts.csv)",
        "identity_x": district["identity_x"],
        "identity_y": district["identity_y"],
        "part_of": district["governorate"],
    }


def length_km(line) -> float:
    """Length of a (multi)line in lon/lat degrees, km (local equirectangular scale; under 0.5% off here)."""
    total = 0.0
    for part in getattr(line, "geoms", [line]):
        if not hasattr(part, "coords"):
            continue
        xy = list(part.coords)
        for (x0, y0), (x1, y1) in zip(xy, xy[1:]):
            kx = 111.32 * math.cos(math.radians((y0 + y1) / 2))
            total += math.hypot((x1 - x0) * kx, (y1 - y0) * 110.57)
    return total


def draw_split(parent, districts: list[dict[str, str]], seats: list[dict[str, str]], river) -> dict:
    """Schematic polygons of the regions that replace the governorate polygon `parent` (shapely).

    The region drawn `east_of_river` is the part of `parent` east of the river line; the rest is
    divided among the regions drawn by `seats`: each point goes to the region of the nearest
    subdistrict seat (Voronoi cells). Slivers the river cuts off go to the west.
    """
    from shapely import line_merge, voronoi_polygons
    from shapely.geometry import MultiPoint, Point
    from shapely.ops import split, unary_union

    pieces = list(split(parent, line_merge(river.intersection(parent.buffer(0.3)))).geoms)
    east_id = next(d["id"] for d in districts if d["drawing"] == "east_of_river")
    east = max(pieces, key=lambda piece: piece.area if piece.centroid.x > river.centroid.x else 0.0)
    west = unary_union([piece for piece in pieces if piece is not east])
    region_of = {name.strip(): d["id"] for d in districts if d["drawing"] == "seats" for name in d["districts"].split(";")}
    points = [(region_of[s["district"]], Point(float(s["lon"]), float(s["lat"]))) for s in seats]
    cells = voronoi_polygons(MultiPoint([p for _, p in points]), extend_to=parent.buffer(1.0)).geoms
    drawn = {east_id: east}
    for region, point in points:
        cell = next(c for c in cells if c.covers(point)).intersection(west)
        drawn[region] = unary_union([drawn[region], cell]) if region in drawn else cell
    return drawn


def borders(source: list[dict[str, str]], parent_id: str, drawn: dict, shapes: dict) -> list[dict[str, str]]:
    """The source's borders, with those of `parent_id` replaced by the drawn regions' borders.

    A drawn region borders another drawn region, or one of the parent's neighbours, where their
    boundaries share at least MIN_BORDER_KM.
    """
    kept = [row for row in source if parent_id not in (row["region_a"], row["region_b"])]
    neighbours = sorted({row["region_a"] if row["region_b"] == parent_id else row["region_b"]
                         for row in source if parent_id in (row["region_a"], row["region_b"])})
    ids = list(drawn)
    pairs = [(a, b, drawn[b]) for i, a in enumerate(ids) for b in ids[i + 1:]]
    pairs += [(a, n, shapes[n]) for a in ids for n in neighbours]
    added = []
    for a, b, other in pairs:
        km = length_km(drawn[a].boundary.intersection(other.boundary))
        if km >= MIN_BORDER_KM:
            added.append({"region_a": a, "region_b": b, "shared_border_km": f"{km:.1f}"})
    return kept + added


def main(out: Path = HERE) -> None:
    """Write the region table and the district map's three files into the folder `out` (this
    script's folder by default)."""
    identity = {row["id"]: row for row in read_rows("region_identity.csv")}
    rows = [derive_row(source, identity[source["id"]]) for source in read_rows("regions_source.csv")]
    write_rows(out / "levant_regions.csv", COLUMNS, rows)
    write_district_map(rows, read_rows("aleppo_districts.csv"), out)


def write_district_map(rows: list[dict[str, str]], districts: list[dict[str, str]], out: Path) -> None:
    """The map with the governorate of `districts` drawn as them: its rows, borders and polygons."""
    from shapely.geometry import shape
    from shapely.ops import unary_union

    parent_id = districts[0]["governorate"]
    geometry = json.loads((HERE / "levant_regions.geojson").read_text(encoding="utf-8"))
    shapes = {f["properties"]["id"]: shape(f["geometry"]) for f in geometry["features"]}
    river = unary_union([shape(f["geometry"]) for f in json.loads((HERE / "euphrates_ne10m.geojson").read_text(encoding="utf-8"))["features"]])
    drawn = draw_split(shapes[parent_id], districts, read_rows("aleppo_nahiya_seats.csv"), river)
    census_total = sum(int(d["population_2004"]) for d in districts)
    split = []
    for row in rows:
        if row["id"] == parent_id:
            split += [split_row(row, d, census_total, drawn[d["id"]].representative_point()) for d in districts]
        else:
            split.append({**row, "part_of": ""})
    write_rows(out / f"levant_regions_{DISTRICTS}.csv", DISTRICT_COLUMNS, split)
    write_rows(out / f"levant_adjacency_{DISTRICTS}.csv", BORDER_COLUMNS,
               borders(read_rows("levant_adjacency.csv"), parent_id, drawn, shapes))
    write_geometry(out / f"levant_regions_{DISTRICTS}.geojson", geometry, parent_id, districts, drawn)


def write_geometry(path: Path, geometry: dict, parent_id: str, districts: list[dict[str, str]], drawn: dict) -> None:
    """The source's polygons with the governorate's replaced by the drawn regions' (simplified to
    0.005 degrees, coordinates to 4 decimals, about 10 m)."""
    from shapely.geometry import mapping

    country = next(f["properties"]["country_iso3"] for f in geometry["features"] if f["properties"]["id"] == parent_id)
    features = [f for f in geometry["features"] if f["properties"]["id"] != parent_id]
    features += [{"type": "Feature", "properties": {"id": d["id"], "name": d["name"], "country_iso3": country},
                  "geometry": mapping(drawn[d["id"]].simplify(0.005))} for d in districts]
    text = re.sub(r"(\d+\.\d{4})\d+", r"\1", json.dumps({**geometry, "features": features}))
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
