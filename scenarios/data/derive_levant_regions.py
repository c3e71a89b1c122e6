"""Derive the scenario's region table (levant_regions.csv) and the map with Aleppo and Homs drawn
as their districts (levant_regions_districts.csv, levant_adjacency_districts.csv,
levant_regions_districts.geojson) from the copied source tables.

Inputs beside this file: regions_source.csv, levant_adjacency.csv and levant_regions.geojson
(shared/data/regions, unchanged), region_identity.csv (the hand coding of region identity, rule in
README.md), and each split (SPLITS): <governorate>_districts.csv (the regions that replace the
governorate, with published areas, 2004 census populations and identities) and
<governorate>_nahiya_seats.csv (the seats of the districts' subdistricts, for the drawing), and
euphrates_ne10m.geojson (the river, Natural Earth). Rules for the rows: area_km2 is area_ref_km2 where a published area is given, else the
Natural Earth polygon area (regions README, "Note for use"); a blank terrain becomes "open";
desert_share is the share of the polygon inside Natural Earth "Desert" polygons as the source's
terrain_basis states it (0 where the basis gives no desert percentage: the urban and mountain rows);
lon/lat is the label point (inside the polygon). A district region takes its published area, the
governorate's population in proportion to its 2004 census population, its terrain and desert share
where its row gives them (else the governorate's), the governorate's country, and names the
governorate in `part_of`. The drawing of the districts is schematic (for maps and borders; the
areas are the published ones): a region drawn `east_of_river` is the governorate's polygon east of
the Euphrates (Ayn al-Arab); elsewhere each point belongs to the region of the nearest subdistrict
seat (Voronoi cells of the seats). Borders: the source's, with each split governorate's replaced
by those of the drawing (a shared boundary of 0.5 km or more).
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
DISTRICTS = "districts"
"""The suffix of the district map's files (levant_regions_districts.csv, ...)."""
SPLITS = ("aleppo", "homs")
"""The governorates drawn as their districts: <name>_districts.csv and <name>_nahiya_seats.csv each."""
BORDER_COLUMNS = ("region_a", "region_b", "shared_border_km")
SNAP_DEGREES = 1e-7
"""Tolerance of a shared boundary, degrees (about 1 cm): the overlay that cuts a drawn region out of
its governorate may move the governorate's vertices by rounding, so a border is the part of one
boundary within this distance of the other region."""
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


def split_row(parent: dict[str, str], district: dict[str, str], census_total: int, label, table: str) -> dict[str, str]:
    """The row of a region that replaces part of the governorate `parent` (a derived row), from its
    row `district` of the file `table`.

    Population: the governorate's, in proportion to the region's 2004 census population. Terrain and
    desert share: the district row's where it gives them, else the governorate's.
    """
    population = round(float(parent["population"]) * int(district["population_2004"]) / census_total)
    return {
        **parent,
        "id": district["id"],
        "name": district["name"],
        "area_km2": district["area_km2"],
        "population": str(population),
        "terrain": district.get("terrain") or parent["terrain"],
        "desert_share": district.get("desert_share") or parent["desert_share"],
        "lon": f"{label.x:.4f}",
        "lat": f"{label.y:.4f}",
        "source": f"area: {district['area_basis']}; population: the governorate's ({parent['population']}) times the "
                  f"region's share of its 2004 census ({district['population_basis']}); identity: "
                  f"{district['identity_basis']} ({table})" + (f"; terrain: {district['terrain_basis']}" if district.get("terrain_basis") else ""),
        "identity_x": district["identity_x"],
        "identity_y": district["identity_y"],
        "part_of": district["governorate"],
    }


def length_km(line) -> float:
    """Length of a (multi)line in lon/lat degrees, km (local equirectangular scale; under 0.5% off here)."""
    if hasattr(line, "geoms"):  # a multi-part geometry or a collection, whose parts may be multi-part
        return sum(length_km(part) for part in line.geoms)
    xy = list(line.coords) if hasattr(line, "coords") else []
    total = 0.0
    for (x0, y0), (x1, y1) in zip(xy, xy[1:]):
        kx = 111.32 * math.cos(math.radians((y0 + y1) / 2))
        total += math.hypot((x1 - x0) * kx, (y1 - y0) * 110.57)
    return total


def draw_split(parent, districts: list[dict[str, str]], seats: list[dict[str, str]], river) -> dict:
    """Schematic polygons of the regions that replace the governorate polygon `parent` (shapely).

    A region drawn `east_of_river` is the part of `parent` east of the river line; the rest is
    divided among the regions drawn by `seats`: each point goes to the region of the nearest
    subdistrict seat (Voronoi cells). Slivers the river cuts off go to the west.
    """
    from shapely import voronoi_polygons
    from shapely.geometry import MultiPoint, Point
    from shapely.ops import unary_union

    drawn, west = east_of_river(parent, districts, river)
    region_of = {name.strip(): d["id"] for d in districts if d["drawing"] == "seats" for name in d["districts"].split(";")}
    points = [(region_of[s["district"]], Point(float(s["lon"]), float(s["lat"]))) for s in seats]
    cells = voronoi_polygons(MultiPoint([p for _, p in points]), extend_to=parent.buffer(1.0)).geoms
    for region, point in points:
        cell = next(c for c in cells if c.covers(point)).intersection(west)
        drawn[region] = unary_union([drawn[region], cell]) if region in drawn else cell
    return drawn


def east_of_river(parent, districts: list[dict[str, str]], river) -> tuple[dict, object]:
    """({id: polygon} of the region drawn `east_of_river`, or {} if none; the rest of `parent`)."""
    from shapely import line_merge
    from shapely.ops import split, unary_union

    east_id = next((d["id"] for d in districts if d["drawing"] == "east_of_river"), None)
    if east_id is None:
        return {}, parent
    pieces = list(split(parent, line_merge(river.intersection(parent.buffer(0.3)))).geoms)
    east = max(pieces, key=lambda piece: piece.area if piece.centroid.x > river.centroid.x else 0.0)
    return {east_id: east}, unary_union([piece for piece in pieces if piece is not east])


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
        km = length_km(drawn[a].boundary.intersection(other.buffer(SNAP_DEGREES)))
        if km >= MIN_BORDER_KM:
            added.append({"region_a": a, "region_b": b, "shared_border_km": f"{km:.1f}"})
    return kept + added


def main(out: Path = HERE) -> None:
    """Write the region table and the district map's three files into the folder `out` (this
    script's folder by default)."""
    identity = {row["id"]: row for row in read_rows("region_identity.csv")}
    rows = [derive_row(source, identity[source["id"]]) for source in read_rows("regions_source.csv")]
    write_rows(out / "levant_regions.csv", COLUMNS, rows)
    write_district_map(rows, out)


def write_district_map(rows: list[dict[str, str]], out: Path) -> None:
    """The map with each governorate of SPLITS drawn as its districts: its rows, borders and polygons."""
    from shapely.geometry import shape
    from shapely.ops import unary_union

    geometry = json.loads((HERE / "levant_regions.geojson").read_text(encoding="utf-8"))
    shapes = {f["properties"]["id"]: shape(f["geometry"]) for f in geometry["features"]}
    river = unary_union([shape(f["geometry"]) for f in json.loads((HERE / "euphrates_ne10m.geojson").read_text(encoding="utf-8"))["features"]])
    rows = [{**row, "part_of": ""} for row in rows]
    border_rows = read_rows("levant_adjacency.csv")
    for name in SPLITS:
        table = f"{name}_districts.csv"
        districts = read_rows(table)
        parent_id = districts[0]["governorate"]
        drawn = draw_split(shapes[parent_id], districts, read_rows(f"{name}_nahiya_seats.csv"), river)
        rows = split_rows(rows, parent_id, districts, drawn, table)
        border_rows = borders(border_rows, parent_id, drawn, shapes)
        geometry = with_drawn(geometry, parent_id, districts, drawn)
        shapes = {**{k: v for k, v in shapes.items() if k != parent_id}, **drawn}
    write_rows(out / f"levant_regions_{DISTRICTS}.csv", DISTRICT_COLUMNS, rows)
    write_rows(out / f"levant_adjacency_{DISTRICTS}.csv", BORDER_COLUMNS, border_rows)
    text = re.sub(r"(\d+\.\d{4})\d+", r"\1", json.dumps(geometry))
    (out / f"levant_regions_{DISTRICTS}.geojson").write_text(text, encoding="utf-8")


def split_rows(rows: list[dict[str, str]], parent_id: str, districts: list[dict[str, str]], drawn: dict,
               table: str) -> list[dict[str, str]]:
    """`rows` with the governorate `parent_id`'s row replaced by its districts' rows (`split_row`)."""
    census_total = sum(int(d["population_2004"]) for d in districts)
    out = []
    for row in rows:
        if row["id"] == parent_id:
            out += [split_row(row, d, census_total, drawn[d["id"]].representative_point(), table) for d in districts]
        else:
            out.append(row)
    return out


def with_drawn(geometry: dict, parent_id: str, districts: list[dict[str, str]], drawn: dict) -> dict:
    """The feature collection `geometry` with the governorate's polygon replaced by the drawn regions'
    (simplified to 0.005 degrees; coordinates are written to 4 decimals, about 10 m)."""
    from shapely.geometry import mapping

    country = next(f["properties"]["country_iso3"] for f in geometry["features"] if f["properties"]["id"] == parent_id)
    features = [f for f in geometry["features"] if f["properties"]["id"] != parent_id]
    features += [{"type": "Feature", "properties": {"id": d["id"], "name": d["name"], "country_iso3": country},
                  "geometry": mapping(drawn[d["id"]].simplify(0.005))} for d in districts]
    return {**geometry, "features": features}


if __name__ == "__main__":
    main()
