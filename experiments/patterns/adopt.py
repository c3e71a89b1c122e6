"""Write a row of a `choose` table into a scenario file, as its calibrated values.

python -m bopsim.experiments.patterns.adopt CHOSEN.csv SCENARIO.toml [--row 0]

The last step of the search of docs/calibration.md. Every column of the row that names a scenario
value (`parameters.<name>`, `actor.<id>.<field>`, `actor.<id>.strategy.<behaviour>.<parameter>`)
is set in the scenario file itself, as `bopsim batch` overrides it (a behaviour parameter wherever
the actor uses that behaviour, its scheduled strategy changes included), keeping the file's
comments and layout (tomlkit). The file is replaced only once the changed text loads as a scenario
and reads back every value written; a path the file does not hold or a value the loader refuses
leaves it untouched (one line on stderr, exit 2).
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import tomlkit

from bopsim.experiments.patterns.screen import _plain

VALUE_PATHS = ("parameters.", "actor.")
"""Prefixes of the columns of a choose table that name scenario values (the rest: loss, passed, failed)."""


def chosen_values(table: pd.DataFrame, row: int) -> dict[str, Any]:
    """The scenario values of row `row` of a choose table, as Python numbers (int stays int: each
    column is read on its own, so a whole-number column is not cast to float by its neighbours)."""
    if not 0 <= row < len(table):
        raise ValueError(f"--row: the table has {len(table)} rows, no row {row}")
    columns = [c for c in table.columns if c.startswith(VALUE_PATHS)]
    if not columns:
        raise ValueError("no column names a scenario value (parameters.* or actor.*)")
    return {c: _plain(table[c].iloc[row]) for c in columns}


def adopted_text(text: str, values: dict[str, Any]) -> str:
    """The scenario file's `text` with `values` set at their paths (comments and layout kept)."""
    from bopsim.experiments.batch.overrides import OverrideError, apply

    document = tomlkit.parse(text)
    for path, value in values.items():
        try:
            apply(document, path, value)
        except (KeyError, OverrideError) as missing:
            where = " (it may be in the file this one extends: write it there)" if "extends" in document else ""
            reason = f"no {missing.args[0]!r} in this file" if isinstance(missing, KeyError) else missing
            raise ValueError(f"{path}: {reason}{where}") from None
    return tomlkit.dumps(document)


def adopt(scenario: Path, values: dict[str, Any]) -> None:
    """Write `values` into `scenario`, replacing the file (its permissions kept) only if the result
    loads and reads them back. A behaviour parameter set only in scheduled strategy changes is
    written there and checked by the loader alone (`value_at` reads the initial strategy)."""
    from bopsim.experiments.batch.overrides import OverrideError, value_at
    from bopsim.model.scenario import ScenarioError, load, read_text

    text = adopted_text(read_text(scenario), values)
    handle, staged = tempfile.mkstemp(prefix=f".{scenario.stem}.", suffix=".toml", dir=scenario.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        try:
            spec = load(staged)
        except ScenarioError as exc:
            raise ValueError(str(exc).replace(staged, "the changed file")) from None
        for path, value in values.items():
            try:
                read = value_at(spec, path)
            except OverrideError:
                continue
            if read != value:
                raise ValueError(f"{path}: wrote {value!r}, the scenario reads {read!r}")
        os.chmod(staged, stat.S_IMODE(scenario.stat().st_mode))
        os.replace(staged, scenario)
    finally:
        Path(staged).unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    from bopsim.model.errors import InputError

    parser = argparse.ArgumentParser(prog="python -m bopsim.experiments.patterns.adopt", description=__doc__.splitlines()[0])
    parser.add_argument("table", type=Path, help="a table written by `patterns.choose` (CSV)")
    parser.add_argument("scenario", type=Path, help="the scenario file to write the values into")
    parser.add_argument("--row", type=int, default=0, help="row of the table (default 0: the one choose ranks first)")
    args = parser.parse_args(argv)
    try:
        values = chosen_values(pd.read_csv(args.table), args.row)
        adopt(args.scenario, values)
    except (InputError, ValueError, OSError, pd.errors.ParserError, tomlkit.exceptions.ParseError) as exc:
        print(f"adopt: error: {args.scenario}: {exc}", file=sys.stderr)
        return 2
    for path, value in values.items():
        print(f"{path} = {value!r}")
    print(f"{len(values)} values written into {args.scenario}")
    return 0


if __name__ == "__main__":
    from bopsim.experiments.entry import run

    run(main)
