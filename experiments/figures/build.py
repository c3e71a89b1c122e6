"""Build the figures: run or reuse each experiment, reduce it to a table, hash the table, draw, save.

OUT/ receives `<name>.pdf`, `<name>.png`, `data/<name>.csv` (the exact table drawn, whose
sha256 is the figure's data hash) and `manifest.json`, which maps each figure to its files, its
experiment (file and hash), its data hash and the command that rebuilds it. Result stores of
the experiments are kept in `OUT/runs/<quick|full>/` and reused while their hash matches.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from pathlib import Path

import pandas as pd

from model.errors import UsageError
from experiments.figures.registry import FIGURES, NAMES, QUICK, FigureSpec
from experiments.figures.sources import CONFIGS, Scale, batch_store, experiment, snapshots
from experiments.figures.style import save, styled
from experiments.figures.levant_map import snapshot_steps


def serialise(table: pd.DataFrame) -> bytes:
    """The table as CSV bytes, deterministically (fixed column order, 12 significant digits, '\\n')."""
    return table.to_csv(index=False, float_format="%.12g", lineterminator="\n").encode("utf-8")


def data_hash(table: pd.DataFrame) -> str:
    """sha256 of `serialise(table)`."""
    return hashlib.sha256(serialise(table)).hexdigest()


def build_figures(out: Path, quick: bool = False, only: str | None = None, scale: Scale | None = None,
                  workers: int | None = None) -> dict:
    """Build every figure (or `only` one) into `out`; returns the manifest. `scale` overrides sizes (tests)."""
    if only is not None and only not in NAMES:
        raise UsageError(f"--only: no figure {only!r} (figures: {', '.join(NAMES)})")
    out = Path(out)
    mode = "quick" if quick else "full"
    manifest = _read_manifest(out, mode)
    stores: dict[str, object] = {}
    for figure in FIGURES:
        if only is not None and figure.name != only:
            continue
        loaded = experiment(figure.config, _scale(figure.config, quick, scale))
        table, spec = _table(figure, loaded, out / "runs" / mode, stores, workers)
        manifest["figures"][figure.name] = _draw(figure, table, spec, out) | {
            "experiment": str((CONFIGS / figure.config).relative_to(CONFIGS.parents[1])),
            "experiment_hash": loaded.fingerprint(),
            "replications": loaded.spec.replications,
            "command": _command(figure.name, quick, out),
        }
    _write_json(out / "manifest.json", manifest)
    return manifest


def _scale(config: str, quick: bool, override: Scale | None) -> Scale:
    base = QUICK[config] if quick else Scale()
    if override is None:
        return base
    return dataclasses.replace(base, **{k: v for k, v in dataclasses.asdict(override).items() if v is not None})


def _table(figure: FigureSpec, loaded, root: Path, stores: dict, workers: int | None) -> tuple[pd.DataFrame, object]:
    if figure.snapshot:
        spec, snaps = snapshots(loaded, snapshot_steps(loaded.spec.steps or _horizon(loaded), figure.panels))
        return figure.data(spec, snaps), spec
    if figure.config not in stores:
        stores[figure.config] = batch_store(loaded, root, workers)
    return figure.data(stores[figure.config]), None


def _horizon(loaded) -> int:
    from experiments.batch.overrides import base_scenario
    return base_scenario(str(loaded.scenario_files[0])).steps


def _draw(figure: FigureSpec, table: pd.DataFrame, spec, out: Path) -> dict:
    raw = serialise(table)
    (out / "data").mkdir(parents=True, exist_ok=True)
    (out / "data" / f"{figure.name}.csv").write_bytes(raw)
    with styled():
        drawn = figure.draw(table, spec) if figure.snapshot else figure.draw(table)
        files = save(drawn, out, figure.name)
    return {"summary": figure.summary, "files": [p.name for p in files], "data": f"data/{figure.name}.csv",
            "data_hash": hashlib.sha256(raw).hexdigest(), "rows": len(table)}


def _command(name: str, quick: bool, out: Path) -> str:
    return f"bopsim figures{' --quick' if quick else ''} --only {name} --out {out}"


def _read_manifest(out: Path, mode: str) -> dict:
    """The existing manifest of the same mode (so --only updates one entry), else a new one."""
    path = out / "manifest.json"
    if path.is_file():
        found = json.loads(path.read_text(encoding="utf-8"))
        if found.get("mode") == mode:
            return found
    return {"mode": mode, "figures": {}}


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=".manifest.", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        json.dump(data, stream, indent=1, sort_keys=True)
        stream.write("\n")
    os.replace(tmp, path)
