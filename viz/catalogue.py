"""The scenarios a user can pick: base scenario files and their variants (files that extend them).

A variant is a scenario file whose `extends` names another file of the same folder; it is
listed under the base at the root of its `extends` chain. Files that cannot be read as TOML are
reported, not listed.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

SCENARIOS_ENV = "BOPSIM_SCENARIOS"
"""Environment variable naming the scenario folder the dashboard offers (default: scenarios/)."""

RESULTS_ENV = "BOPSIM_RESULTS"
"""Environment variable naming the folder of batch results the results view may open (default: results/)."""

PREFERRED = ("levant_2014", "abstract")
"""Scenarios selected first when the dashboard opens, in this order of preference."""


@dataclass(frozen=True)
class Catalogue:
    """Base scenarios (file stem -> path) and their variants (base stem -> variant paths)."""

    folder: Path
    bases: dict[str, Path]
    variants: dict[str, list[Path]]
    problems: list[str] = field(default_factory=list)

    def default(self) -> str | None:
        """The base scenario to show first."""
        return next((name for name in PREFERRED if name in self.bases), next(iter(self.bases), None))

    def relative(self, message: str) -> str:
        """`message` with the scenario folder's server path shortened to its name (the page shows no server path)."""
        return message.replace(f"{self.folder.resolve()}{os.sep}", f"{self.folder.name}/").replace(
            f"{self.folder}{os.sep}", f"{self.folder.name}/")

    def choices(self, base: str) -> dict[str, Path]:
        """Variant label -> file for one base: 'baseline' (the base itself) first."""
        out = {"baseline": self.bases[base]}
        for path in self.variants.get(base, []):
            out[_variant_label(base, path.stem)] = path
        return out


def default_folder() -> Path:
    """The scenario folder: $BOPSIM_SCENARIOS, else the repository's scenarios/."""
    given = os.environ.get(SCENARIOS_ENV)
    return Path(given) if given else Path(__file__).resolve().parent.parent / "scenarios"


def default_results() -> Path:
    """The results root: $BOPSIM_RESULTS, else results/ in the working folder (where `make run` writes)."""
    given = os.environ.get(RESULTS_ENV)
    return Path(given) if given else Path.cwd() / "results"


def discover(folder: Path) -> Catalogue:
    """Group the *.toml files of `folder` into base scenarios and their variants."""
    parents: dict[str, str | None] = {}
    paths: dict[str, Path] = {}
    problems = []
    for path in sorted(folder.glob("*.toml")):
        try:
            extends = tomllib.loads(path.read_text(encoding="utf-8")).get("extends")
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            problems.append(f"{path}: not listed: {exc}")
            continue
        paths[path.stem] = path
        parents[path.stem] = Path(extends).stem if isinstance(extends, str) else None
    bases = {stem: paths[stem] for stem, parent in parents.items() if parent is None}
    variants: dict[str, list[Path]] = {}
    for stem, parent in parents.items():
        if parent is None:
            continue
        root = _root(stem, parents)
        if root in bases:
            variants.setdefault(root, []).append(paths[stem])
        else:
            problems.append(f"{paths[stem]}: extends: no base scenario {parent + '.toml'!r} in {folder}")
    return Catalogue(folder, bases, variants, problems)


def _root(stem: str, parents: dict[str, str | None]) -> str | None:
    """The base at the end of the `extends` chain of `stem` (None if broken or cyclic)."""
    seen = set()
    while parents.get(stem) is not None:
        if stem in seen:
            return None
        seen.add(stem)
        stem = parents[stem]
    return stem if stem in parents else None


def _variant_label(base: str, stem: str) -> str:
    """'levant_2014_no_russia' under 'levant_2014' -> 'no_russia'."""
    prefix = base + "_"
    return stem[len(prefix):] if stem.startswith(prefix) and len(stem) > len(prefix) else stem
