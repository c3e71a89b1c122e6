"""Saving the page's edits as a variant scenario file: `extends` the file the run was built from
and states only what changed, so `bopsim run` and `bopsim batch` load it like a shipped variant.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import tomli_w

from model.scenario import ScenarioError, load
from viz.setup import Edits, pair_entries, strategy_from_rows

NAME = re.compile(r"^[a-z0-9][a-z0-9_]{0,63}$")
"""Variant names: lower-case letters, digits and underscores (they become file names)."""


def variant_document(base: Path, name: str, edits: Edits) -> dict:
    """The TOML content of a variant of `base` with `edits` (changes only)."""
    document: dict = {"extends": base.name, "name": f"{base.stem}_{name}",
                      "description": f"{base.stem} with edits made in the dashboard: {edits.describe()}"}
    if edits.parameters:
        document["parameters"] = {k: float(v) for k, v in sorted(edits.parameters.items())}
    actors = [{"id": a, "enabled": False} for a in sorted(edits.disabled)]
    actors += [{"id": a, "strategy": strategy_from_rows(a, rows)} for a, rows in sorted(edits.strategies.items())
               if a not in edits.disabled]
    if actors:
        document["actor"] = actors
    for key, name, changed in (("relation", "value", edits.relations), ("tie", "strength", edits.ties)):
        if changed:
            document[key] = pair_entries(changed, name)
    return document


def save_variant(base: Path, name: str, edits: Edits) -> Path:
    """Write `<base stem>_<name>.toml` next to `base`; ValueError (one line) if it cannot be saved.

    The file is written whole or not at all, never over an existing file, and loaded back with
    the scenario checks before this returns (a file that does not load is removed).
    """
    if not edits:
        raise ValueError("nothing to save: no parameter, actor, strategy, relation or tie has been changed")
    if not NAME.match(name):
        raise ValueError(f"variant name: use lower-case letters, digits and _ (up to 64), got {name!r}")
    target = base.parent / f"{base.stem}_{name}.toml"
    text = f"# Saved from the bopsim dashboard.\n{tomli_w.dumps(variant_document(base, name, edits))}"
    handle, staging = tempfile.mkstemp(dir=base.parent, prefix=f".{target.stem}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.link(staging, target)  # fails if the target exists: never overwrites
    except FileExistsError:
        raise ValueError(f"variant name: {target.name} already exists; choose another name") from None
    except OSError as exc:
        raise ValueError(f"cannot write {target.name}: {exc.strerror}") from None
    finally:
        os.unlink(staging)
    try:
        load(target)
    except ScenarioError as exc:
        target.unlink()
        raise ValueError(f"{target.name} does not load, not saved: {exc}") from None
    return target
