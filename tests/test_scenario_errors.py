"""Bad scenario files: one line naming the file and the field, exit 2, nothing written; `extends`."""

from __future__ import annotations

import copy
import math

import pytest
from worlds import actor, build, line_world, to_toml, write_toml

from bopsim.model.scenario import load


def _base() -> dict:
    # r1 - r2 - r3; a state at home in r1, an insurgent holding r3, hostile to each other
    return line_world(
        ["r1", "r2", "r3"],
        [actor("north", home=["r1"], capability=20),
         actor("rebels", "non_state", capability=5, home=["r3"], control={"r3": 0.8},
               strategy=[{"behaviour": "offensive", "ratio": 1.2}])],
        relations=(("north", "rebels", -1.0),),
        events=({"id": "turn", "date": "2014-03", "kind": "relation", "actor": "north", "other": "rebels", "value": -0.5},),
    )


def _edit(change) -> str:
    raw = copy.deepcopy(_base())
    change(raw)
    return to_toml(raw)


def _set(path: str, value):
    """An edit that sets `value` at a dotted path; list items are found by their id."""

    def change(raw: dict) -> None:
        *parents, last = path.split(".")
        node = raw
        for key in parents:
            node = next(i for i in node if i.get("id") == key) if isinstance(node, list) else node[key]
        node[last] = value

    return change


def _drop(path: str):
    def change(raw: dict) -> None:
        *parents, last = path.split(".")
        node = raw
        for key in parents:
            node = next(i for i in node if i.get("id") == key) if isinstance(node, list) else node[key]
        del node[last]

    return change


def _append(key: str, item: dict):
    return lambda raw: raw[key].append(item)


def _case(name: str, text: str, expected: str, xfail: str | None = None):
    """One row of the table: a file text and what its one-line error must contain after '<file>: '."""
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    return pytest.param(text, expected, id=name, marks=marks)


CASES = [
    _case("bad TOML", to_toml(_base()) + "[[actor]\nid = 1\n", "not valid TOML"),
    _case("empty file", "  \n", "the file is empty"),
    _case("missing field", _edit(_drop("actor.north.capability")), "actor[north].capability: missing"),
    _case("wrong type", _edit(_set("region.r2.area_km2", "large")), "region[r2].area_km2"),
    _case("unknown home region", _edit(_set("actor.north.home", ["r9"])), "actor[north].home: unknown region 'r9'"),
    _case("unknown capital", _edit(_set("actor.north.capital", "r9")), "actor[north].capital: unknown region 'r9'"),
    _case("capital abroad", _edit(_set("actor.north.capital", "r3")), "actor[north].capital: 'r3' is not one of its home regions"),
    _case("part of a region on the map", _edit(_set("region.r2.part_of", "r1")),
          "region[r2].part_of: 'r1' is a region of the scenario (a region drawn as parts is not on the map itself)"),
    _case("capital of a non-state actor", _edit(_set("actor.rebels.capital", "r3")),
          "actor[rebels].capital: only a state has a capital (this actor is 'non_state')"),
    _case("unknown border region", _edit(_append("border", {"a": "r1", "b": "r9"})), "border[r1-r9]: unknown region 'r9'"),
    _case("unknown relation actor", _edit(_append("relation", {"a": "north", "b": "ghost", "value": 0.1})),
          "relation[north-ghost]: unknown actor 'ghost'"),
    _case("unknown event actor", _edit(_set("event.turn.actor", "ghost")), "event[turn].actor: unknown actor 'ghost'"),
    _case("unknown event other", _edit(_set("event.turn.other", "ghost")), "event[turn].other: unknown actor 'ghost'"),
    _case("late entrant holding ground", _edit(_set("actor.rebels.enters", "2014-05")),
          "actor[rebels].control: an actor that enters later holds no ground at the start"),
    _case("duplicate region id", _edit(_append("region", {"id": "r2", "area_km2": 5.0})), "region[r2].id: duplicate id"),
    _case("duplicate actor id", _edit(_append("actor", actor("north", home=["r2"]))), "actor[north].id: duplicate id"),
    _case("negative area", _edit(_set("region.r1.area_km2", -5.0)), "region[r1].area_km2"),
    _case("relation above 1", _edit(_set("relation", [{"a": "north", "b": "rebels", "value": 1.5}])),
          "relation[north-rebels].value"),
    _case("NaN capability", _edit(_set("actor.rebels.capability", math.nan)), "actor[rebels].capability"),
    _case("unknown behaviour", _edit(_set("actor.north.strategy", [{"behaviour": "conquest"}])),
          "actor[north].strategy: unknown behaviour 'conquest'"),
    _case("unknown behaviour parameter", _edit(_set("actor.rebels.strategy", [{"behaviour": "offensive", "speed": 2}])),
          "actor[rebels].strategy: offensive: speed: unknown parameter"),
    _case("unknown objective region", _edit(_set("actor.rebels.strategy", [{"behaviour": "offensive", "regions": ["r9"]}])),
          "actor[rebels].strategy.offensive.regions: unknown region 'r9'"),
    _case("unknown objective country", _edit(_set("actor.rebels.strategy", [{"behaviour": "offensive", "countries": ["XXX"]}])),
          "actor[rebels].strategy.offensive.countries: unknown country 'XXX'"),
    _case("behaviour parameter out of range", _edit(_set("actor.rebels.strategy", [{"behaviour": "offensive", "share": 2}])),
          "actor[rebels].strategy: offensive: share"),
    _case("control over 1", _edit(_append("actor", actor("militia", "non_state", home=["r3"], control={"r3": 0.5}))),
          "actor.control[r3]: initial control shares sum to 1.300 > 1"),
    _case("bad start month", _edit(_set("start", "2014-13")), "start"),
    _case("bad event month", _edit(_set("event.turn.date", "March 2014")), "event[turn].date"),
    _case("bad entry month", _edit(_set("actor.rebels.enters", "2014-7")), "actor[rebels].enters"),
    _case("unknown field", _edit(_set("actor.north.capabilty", 3)), "actor[north].capabilty: unknown field"),
    # strict types: nothing is coerced
    _case("steps as text", _edit(_set("steps", "36")), "steps: Input should be a valid integer (got '36')"),
    _case("abstract as text", _edit(_set("abstract", "yes")), "abstract: Input should be a valid boolean (got 'yes')"),
    _case("enabled as text", _edit(_set("actor.rebels.enabled", "no")), "actor[rebels].enabled: Input should be a valid boolean"),
    _case("capability as a boolean", _edit(_set("actor.north.capability", True)), "actor[north].capability: Input should be a valid number"),
    _case("behaviour parameter as text", _edit(_set("actor.rebels.strategy", [{"behaviour": "offensive", "share": "0.5"}])),
          "actor[rebels].strategy: offensive: share: Input should be a valid number"),
    # limits: magnitudes that would overflow, sizes that would exhaust
    _case("capability near the largest float", _edit(_set("actor.north.capability", 1e308)),
          "actor[north].capability: Input should be less than or equal to 1000000"),
    _case("terrain defence near the largest float", _edit(_set("parameters.terrain_defence", {"open": 1e300})),
          "parameters.terrain_defence.open: Input should be less than or equal to 100"),
    _case("mobilisation near the largest float", _edit(_set("actor.rebels.mobilisation", 1e300)), "actor[rebels].mobilisation"),
    _case("income near the largest float", _edit(_set("actor.north.income", 1e300)), "actor[north].income"),
    _case("steps beyond the limit", _edit(_set("steps", 1_000_000_000)), "steps: Input should be less than or equal to 1200"),
    _case("threat exponent that overflows", _edit(_set("parameters.threat_exponent", 150.0)), "parameters.threat_exponent"),
    # contradictions and self references
    _case("two relations for one pair", _edit(_append("relation", {"a": "rebels", "b": "north", "value": 0.5})),
          "relation[rebels-north]: given twice for this pair"),
    _case("two ties for one pair", _edit(lambda raw: raw["tie"].extend([{"a": "north", "b": "rebels", "strength": 0.5}] * 2)),
          "tie[north-rebels]: given twice for this pair"),
    _case("duplicate event id", _edit(lambda raw: raw["event"].append(dict(raw["event"][0], value=0.2))),
          "event[turn].id: duplicate id"),
    _case("relation event with itself", _edit(_set("event.turn.other", "north")),
          "event[turn].other: the same actor as 'actor'"),
    _case("expeditionary ally is the actor itself",
          _edit(_set("actor.north.strategy", [{"behaviour": "expeditionary", "ally": "north"}])),
          "actor[north].strategy.expeditionary.ally: 'north' is the actor itself"),
    _case("region_file as a number", _edit(_set("region_file", 5)), "region_file: must be a file name, got 5"),
    _case("extends an absolute path", _edit(_set("extends", "/etc/hostname")), "extends: '/etc/hostname' is outside"),
    _case("extends outside the folder", _edit(_set("extends", "../x.toml")), "extends: '../x.toml' is outside"),
    _case("geometry outside the folder", _edit(_set("geometry", "../../etc/passwd")), "geometry: '../../etc/passwd' is outside"),
    _case("a file name longer than the system allows", _edit(_set("region_file", "x" * 300)),
          "region_file: cannot use 'xxxx"),
    _case("deep nesting", "name = 'x'\nsteps = " + "[" * 5000 + "]" * 5000 + "\n", "nested more than 16 deep"),
    _case("nesting past the limit", "name = 'x'\nsteps = " + "[" * 20 + "]" * 20 + "\n", "nested more than 16 deep"),
]


def _assert_one_line_error(result, path, expected: str, out) -> None:
    assert result.code == 2
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith(f"bopsim: error: {path}: ")
    assert expected in lines[0]
    assert "Traceback" not in result.err
    assert result.out == ""
    assert not out.exists()


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_a_bad_scenario_is_refused_in_one_line(bopsim, tmp_path, text, expected):
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    _assert_one_line_error(bopsim("run", path, "--out", tmp_path / "out"), path, expected, tmp_path / "out")


def test_the_base_of_the_table_is_valid(bopsim, tmp_path):
    path = write_toml(_base(), tmp_path / "scenario.toml")
    assert bopsim("validate", path).code == 0


def test_a_missing_file(bopsim, tmp_path):
    path = tmp_path / "nowhere.toml"
    _assert_one_line_error(bopsim("run", path, "--out", tmp_path / "out"), path, "file not found", tmp_path / "out")


def test_an_extends_cycle(bopsim, tmp_path):
    (tmp_path / "a.toml").write_text('extends = "b.toml"\nname = "a"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('extends = "a.toml"\nname = "b"\n', encoding="utf-8")
    path = tmp_path / "a.toml"
    _assert_one_line_error(bopsim("run", path, "--out", tmp_path / "out"), path, "extends: cycle a.toml -> b.toml -> a.toml",
                           tmp_path / "out")


def test_a_missing_base_names_the_base(bopsim, tmp_path):
    path = tmp_path / "variant.toml"
    path.write_text('extends = "base.toml"\n', encoding="utf-8")
    result = bopsim("validate", path)
    assert result.code == 2 and len(result.err.splitlines()) == 1
    assert "variant.toml: extends: file not found" in result.err and result.err.rstrip().endswith("base.toml")


# ----------------------------------------------------------------- extends merging


def _variant(tmp_path, text: str):
    write_toml(_base(), tmp_path / "base.toml")
    path = tmp_path / "variant.toml"
    path.write_text('extends = "base.toml"\n' + text, encoding="utf-8")
    return load(path)


def test_a_variant_overrides_one_actor_field_and_keeps_the_rest(tmp_path):
    spec = _variant(tmp_path, '[[actor]]\nid = "rebels"\ncapability = 9\n')
    base = load(tmp_path / "base.toml")
    rebels = {a.id: a for a in spec.actor}["rebels"]
    assert rebels.capability == 9
    assert rebels.control == {"r3": 0.8} and rebels.kind == "non_state"
    assert [a.id for a in spec.actor] == ["north", "rebels"]
    assert spec.model_dump(exclude={"actor"}) == base.model_dump(exclude={"actor"})


def test_a_variant_overrides_a_parameter_and_adds_an_actor(tmp_path):
    spec = _variant(tmp_path, '[parameters]\nattrition = 0.2\n\n[[actor]]\nid = "militia"\nkind = "non_state"\n'
                              'home = ["r2"]\ncapability = 1\n')
    assert spec.parameters.attrition == 0.2
    assert spec.parameters.front_noise == 0.0, "other parameters come from the base"
    assert [a.id for a in spec.actor] == ["north", "rebels", "militia"]


def test_a_variant_with_its_own_region_file_replaces_the_map(tmp_path):
    # the base's r3 drawn as two parts, r3a and r3b: the rebels' control moves to them
    (tmp_path / "fine.csv").write_text("id,area_km2,part_of\nr1,100,\nr2,100,\nr3a,40,r3\nr3b,60,r3\n", encoding="utf-8")
    (tmp_path / "fine_borders.csv").write_text("region_a,region_b\nr1,r2\nr2,r3a\nr3a,r3b\n", encoding="utf-8")
    spec = _variant(tmp_path, 'region_file = "fine.csv"\nborder_file = "fine_borders.csv"\n\n'
                              '[[actor]]\nid = "rebels"\nhome = ["r3a"]\ncontrol = { r3a = 0.8, r3b = 0.5 }\n')
    assert [r.id for r in spec.region] == ["r1", "r2", "r3a", "r3b"]
    assert [r.part_of for r in spec.region] == ["", "", "r3", "r3"]
    assert {frozenset((b.a, b.b)) for b in spec.border} == {frozenset(p) for p in (("r1", "r2"), ("r2", "r3a"), ("r3a", "r3b"))}


def test_disabling_an_actor_drops_it_and_what_names_it(tmp_path):
    spec = _variant(tmp_path, '[[actor]]\nid = "rebels"\nenabled = false\n')
    assert [a.id for a in spec.actor] == ["north"]
    assert spec.relation == [] and spec.event == []
    model = build(spec.model_dump(exclude_none=True))
    assert model.actor_ids == ("north",)


# ----------------------------------------------------------------- files a scenario names


def _with_region_file(tmp_path, data: bytes, name: str = "regions.csv"):
    (tmp_path / name).write_bytes(data)
    raw = _base()
    raw["region_file"] = name
    return write_toml(raw, tmp_path / "scenario.toml")


@pytest.mark.parametrize(("data", "expected"), [
    (b"id,area_km2\nr9,5\xff\n", "regions.csv: not UTF-8 text (byte 16)"),  # 12 + 4 bytes before it
    (b"id,name,area_km2\nr9," + b"x" * 200_000 + b",5\n", "regions.csv: not valid CSV: field larger than field limit"),
    (b"id,area_km2\nr9,large\n", "regions.csv: line 2: area_km2: not a number: 'large'"),
])
def test_a_bad_region_file_is_refused_in_one_line(bopsim, tmp_path, data, expected):
    path = _with_region_file(tmp_path, data)
    result = bopsim("run", path, "--out", tmp_path / "out")
    assert result.code == 2 and len(result.err.splitlines()) == 1 and expected in result.err, result.err
    assert not (tmp_path / "out").exists()


def test_a_geometry_that_is_not_geojson_is_refused(bopsim, tmp_path):
    (tmp_path / "shapes.geojson").write_text("id,name\n", encoding="utf-8")
    raw = _base()
    raw["geometry"] = "shapes.geojson"
    path = write_toml(raw, tmp_path / "scenario.toml")
    result = bopsim("validate", path)
    assert result.code == 2 and "geometry: " in result.err and "is not GeoJSON" in result.err


def test_files_in_subfolders_of_the_scenario_are_allowed(tmp_path):
    (tmp_path / "data").mkdir()
    write_toml(_base(), tmp_path / "data" / "base.toml")
    path = tmp_path / "variant.toml"
    path.write_text('extends = "data/base.toml"\nsteps = 3\n', encoding="utf-8")
    assert load(path).steps == 3


def test_a_variant_that_disables_a_misspelled_actor_is_refused(bopsim, tmp_path):
    write_toml(_base(), tmp_path / "base.toml")
    path = tmp_path / "variant.toml"
    path.write_text('extends = "base.toml"\n[[actor]]\nid = "rebelz"\nenabled = false\n', encoding="utf-8")
    result = bopsim("validate", path)
    assert result.code == 2
    assert "variant.toml: actor[rebelz].enabled: no actor 'rebelz' in the base scenario" in result.err


def test_disabling_an_actor_drops_the_behaviours_that_name_it(tmp_path):
    raw = _base()
    raw["actor"].append(actor("patron", "external", basing=["r1"], strategy=[
        {"behaviour": "expeditionary", "ally": "rebels"}, {"behaviour": "air_campaign", "targets": ["north"]}]))
    raw["event"].append({"id": "switch", "date": "2014-05", "kind": "strategy", "actor": "patron",
                         "strategy": [{"behaviour": "expeditionary", "ally": "rebels"}]})
    write_toml(raw, tmp_path / "base.toml")
    path = tmp_path / "variant.toml"
    path.write_text('extends = "base.toml"\n[[actor]]\nid = "rebels"\nenabled = false\n', encoding="utf-8")
    spec = load(path)
    patron = {a.id: a for a in spec.actor}["patron"]
    # the expeditionary for the rebels goes; the air campaign against the north stays; the
    # strategy event had only the rebels' expeditionary, so it goes with it
    assert [b.behaviour for b in patron.strategy] == ["air_campaign"]
    assert spec.event == []
