"""The result store: a folder of Parquet tables and a manifest, written one run at a time.

Layout of OUT/:
- `fingerprint.txt` — the experiment's hash, written first; `.lock` — held by the batch writing;
- `manifest.json` — experiment name and hash, code version, package versions, root seed, and
  every planned run with its seed, status (ok / failed / pending), duration, error and the code
  version that made it;
- `experiment.toml` (a copy of the experiment file) and `design.parquet` (the design points);
- `runs/<run_id>/` — one finished run: `run.json` and its tables (`outcomes.parquet`, and the
  kept time series such as `model.parquet`, `actors.parquet`); each run folder is built in
  `.staging/` and renamed into place, so it appears whole or not at all;
- `failed/<run_id>.json` — a run that raised: its error and traceback;
- `outcomes.parquet`, `model.parquet`, ... and `runs.parquet` — all runs together (tidy, with
  the run's keys and parameters as columns), rebuilt from `runs/` after each batch.

A run is finished when its folder exists; re-running skips it, so an interrupted batch resumes
without losing or duplicating a run. A damaged folder (a truncated table, a missing run.json, a
broken manifest.json) is repaired when a batch opens it: damaged runs are removed and run again,
the manifest and the whole-experiment tables are rebuilt.
"""

from __future__ import annotations

import fcntl
import json
import os
import platform
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from experiments.batch.config import LoadedExperiment
from experiments.batch.design import RunTask
from experiments.batch.runner import RunResult
from experiments.folders import writing
from model.errors import UsageError

FINGERPRINT = "fingerprint.txt"
"""The hash of the experiment the folder holds, written before anything else."""
LOCK = ".lock"
"""Locked (flock) by the batch writing the folder."""
KEY_COLUMNS = ("run_id", "scenario", "point", "replication", "seed")
PACKAGES = ("bopsim", "mesa", "numpy", "scipy", "pandas", "pyarrow", "pydantic", "SALib", "dask", "distributed")


class ResultStore:
    """The result folder of one experiment."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.runs = self.root / "runs"
        self.failures = self.root / "failed"
        self.staging = self.root / ".staging"

    # ---------------------------------------------------------------- opening

    @classmethod
    def create_or_open(cls, root: Path, experiment: LoadedExperiment, design: pd.DataFrame) -> ResultStore:
        """The store at `root` for `experiment`, locked for this batch and repaired.

        Refuses a folder that holds another experiment, or that another batch is writing.
        The experiment's fingerprint is the first file written, so a batch killed at any moment
        leaves a folder that the next one recognises. Damaged runs (a missing or unreadable
        `run.json` or table) are removed, so the batch runs them again.
        """
        store = cls(root)
        fingerprint = experiment.fingerprint()
        found = store._fingerprint()
        if found is not None and found != fingerprint:
            raise UsageError(f"{store.root}: holds results of another experiment or version of it "
                             f"(hash {found}, this one {fingerprint}); use another --out")
        if found is None and store.root.exists() and any(not p.name.startswith(".") for p in store.root.iterdir()):
            raise UsageError(f"{store.root}: exists and is not a result folder (no manifest.json); use another --out")
        store.root.mkdir(parents=True, exist_ok=True)
        store._lock()
        if not (store.root / FINGERPRINT).is_file():
            _write_atomic(store.root / FINGERPRINT, f"{fingerprint}\n".encode())
        for folder in (store.runs, store.failures):
            folder.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(store.staging, ignore_errors=True)
        store.staging.mkdir()
        if not (store.root / "experiment.toml").is_file():
            _write_atomic(store.root / "experiment.toml", experiment.path.read_bytes())
        if not _readable_parquet(store.root / "design.parquet"):
            _write_parquet_atomic(design, store.root / "design.parquet")
        store.repair()
        return store

    def _fingerprint(self) -> str | None:
        """The experiment hash this folder was made for: from its marker, else from a readable manifest."""
        marker = self.root / FINGERPRINT
        if marker.is_file():
            return marker.read_text(encoding="utf-8").strip()
        manifest = _read_json(self.root / "manifest.json")
        return manifest.get("fingerprint") if manifest else None

    def _lock(self) -> None:
        """Hold an exclusive lock on the folder until this process ends (released by the system on a kill)."""
        handle = open(self.root / LOCK, "a+b")  # noqa: SIM115 (held open for the life of the batch)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise UsageError(f"{self.root}: another bopsim batch is writing this folder; "
                             "wait for it to finish or use another --out") from None
        self._lock_handle = handle

    def repair(self) -> list[str]:
        """Remove damaged runs and failure records, so they run again; returns the run ids removed."""
        damaged = [d.name for d in self.runs.iterdir() if d.is_dir() and not _whole_run(d)]
        for run_id in damaged:
            shutil.rmtree(self.runs / run_id)
        for record in self.failures.glob("*.json"):
            if _read_json(record) is None:
                record.unlink()
        for leftover in self.runs.iterdir():
            if not leftover.is_dir():
                leftover.unlink()
        return damaged

    @classmethod
    def existing(cls, root: Path) -> ResultStore:
        """A store that must already exist (for compare and sensitivity)."""
        store = cls(root)
        if not (store.root / "manifest.json").is_file():
            raise UsageError(f"{store.root}: not a result folder (no manifest.json); run `bopsim batch` first")
        store.manifest()
        return store

    # ---------------------------------------------------------------- state

    def finished(self) -> set[str]:
        return {p.name for p in self.runs.iterdir() if p.is_dir()}

    def failed(self) -> set[str]:
        return {p.stem for p in self.failures.glob("*.json")} - self.finished()

    def code_changed(self) -> bool:
        """Whether the manifest records another code version than the one running now."""
        manifest = _read_json(self.root / "manifest.json")
        return manifest is not None and manifest.get("code_version") != code_version()

    def manifest(self) -> dict[str, Any]:
        manifest = _read_json(self.root / "manifest.json")
        if manifest is None:
            raise UsageError(f"{self.root / 'manifest.json'}: damaged; rerun the same `bopsim batch` to repair the folder")
        return manifest

    def table(self, name: str) -> pd.DataFrame:
        """A whole-experiment table (`outcomes`, `model`, `design`, ...); UsageError if missing or damaged."""
        path = self.root / f"{name}.parquet"
        if not path.is_file():
            raise UsageError(f"{path}: no {name} yet (no run has finished)")
        try:
            return pd.read_parquet(path)
        except (OSError, pa.ArrowException) as exc:
            raise UsageError(f"{path}: damaged ({exc}); run the same `bopsim batch` again to repair the folder") from None

    # ---------------------------------------------------------------- writing

    def commit(self, result: RunResult) -> None:
        """Write one run: its folder (renamed into place whole) or its failure record."""
        task = result.task
        record = _run_record(result)
        if not result.ok:
            _write_atomic(self.failures / f"{task.run_id}.json", _json(record | {"traceback": result.traceback}))
            return
        staging = Path(tempfile.mkdtemp(prefix=f"{task.run_id}.", dir=self.staging))
        with writing(self.runs / task.run_id):
            for name, frame in result.tables.items():
                pq.write_table(_with_keys(frame, task), staging / f"{name}.parquet")
            (staging / "run.json").write_bytes(_json(record))
        os.rename(staging, self.runs / task.run_id)
        (self.failures / f"{task.run_id}.json").unlink(missing_ok=True)

    def consolidate(self, experiment: LoadedExperiment, tasks: list[RunTask]) -> dict[str, Any]:
        """Rebuild the whole-experiment tables and the manifest from the run folders."""
        order = {label: i for i, label in enumerate(experiment.spec.labels)}
        records = [json.loads((d / "run.json").read_text(encoding="utf-8")) for d in self.runs.iterdir() if d.is_dir()]
        records.sort(key=lambda r: (order.get(r["scenario"], len(order)), r["scenario"], r["point"], r["replication"]))
        names = sorted({p.stem for r in records for p in (self.runs / r["run_id"]).glob("*.parquet")})
        for name in names:
            parts = [pq.read_table(self.runs / r["run_id"] / f"{name}.parquet") for r in records]
            _write_parquet_atomic(pa.concat_tables(parts, promote_options="default"), self.root / f"{name}.parquet")
        manifest = self._manifest(experiment, tasks, records)
        runs = pd.DataFrame(manifest["runs"])
        _write_parquet_atomic(pa.Table.from_pandas(runs, preserve_index=False), self.root / "runs.parquet")
        _write_atomic(self.root / "manifest.json", _json(manifest))
        return manifest

    def write_manifest(self, experiment: LoadedExperiment, tasks: list[RunTask]) -> None:
        """The manifest as it stands (before a batch starts: which runs are planned)."""
        records = [json.loads((self.runs / r / "run.json").read_text(encoding="utf-8")) for r in sorted(self.finished())]
        _write_atomic(self.root / "manifest.json", _json(self._manifest(experiment, tasks, records)))

    def _manifest(self, experiment: LoadedExperiment, tasks: list[RunTask], records: list[dict]) -> dict[str, Any]:
        spec = experiment.spec
        done = {r["run_id"]: r for r in records}
        failed = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in self.failures.glob("*.json")}
        runs = [done.get(t.run_id) or {k: v for k, v in failed.get(t.run_id, {}).items() if k != "traceback"}
                or _pending(t) for t in tasks]
        runs += [r for r in records if r["run_id"] not in {t.run_id for t in tasks}]
        counts = {s: sum(r["status"] == s for r in runs) for s in ("ok", "failed", "pending")}
        return {
            "experiment": spec.name, "file": str(experiment.path), "fingerprint": experiment.fingerprint(),
            "root_seed": spec.root_seed, "replications": spec.replications, "steps": spec.steps,
            "scenarios": dict(zip(spec.labels, map(str, experiment.scenario_files))),
            "baseline": spec.baseline or spec.labels[0], "design": spec.design.model_dump(mode="json"),
            "factors": [f.model_dump(mode="json", exclude_none=True) for f in spec.factor],
            "code_version": code_version(), "packages": package_versions(),
            "updated": datetime.now(UTC).isoformat(timespec="seconds"),
            "counts": counts, "runs": runs,
        }


def _read_json(path: Path) -> dict[str, Any] | None:
    """A JSON object from `path`, or None if the file is missing, truncated or not an object."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _readable_parquet(path: Path) -> bool:
    """Whether `path` is a whole Parquet file (its footer and schema can be read)."""
    try:
        pq.read_metadata(path)
    except (OSError, pa.ArrowException):
        return False
    return True


def _whole_run(folder: Path) -> bool:
    """A run folder with a readable run.json naming it, an outcomes table, and every table readable."""
    record = _read_json(folder / "run.json")
    tables = list(folder.glob("*.parquet"))
    return (record is not None and record.get("run_id") == folder.name and (folder / "outcomes.parquet") in tables
            and all(_readable_parquet(table) for table in tables))


def _run_record(result: RunResult) -> dict[str, Any]:
    task = result.task
    return {"run_id": task.run_id, "scenario": task.scenario, "point": task.point, "replication": task.replication,
            "seed": task.seed, "status": "ok" if result.ok else "failed", "duration_s": round(result.duration_s, 4),
            "error": result.error, "code": _code_label()}


def _code_label() -> str:
    """The code version of a run, short: git commit (+ 'modified') or the package version."""
    version = code_version()
    label = version.get("git_commit", f"bopsim {version['bopsim']}")
    return f"{label} modified" if version.get("git_modified") else label


def _pending(task: RunTask) -> dict[str, Any]:
    return {"run_id": task.run_id, "scenario": task.scenario, "point": task.point, "replication": task.replication,
            "seed": task.seed, "status": "pending", "duration_s": None, "error": "", "code": ""}


def _with_keys(frame: pd.DataFrame, task: RunTask) -> pa.Table:
    """The run's table with its keys and parameter values as leading columns."""
    keys = {"run_id": task.run_id, "scenario": task.scenario, "point": task.point,
            "replication": task.replication, "seed": task.seed, **dict(task.overrides)}
    table = pa.Table.from_pandas(frame, preserve_index=False)
    lead = pa.table({k: pa.repeat(pa.scalar(v), len(frame)) for k, v in keys.items()})
    return pa.Table.from_arrays([*lead.columns, *table.columns], names=[*lead.column_names, *table.column_names])


def _json(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, indent=1, sort_keys=True, default=str) + "\n").encode("utf-8")


def _write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file and a rename: whole or not at all."""
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with writing(path), os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_parquet_atomic(table: pa.Table | pd.DataFrame, path: Path) -> None:
    if isinstance(table, pd.DataFrame):
        table = pa.Table.from_pandas(table, preserve_index=False)
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    try:
        with writing(path):
            pq.write_table(table, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@lru_cache(maxsize=1)
def code_version() -> dict[str, Any]:
    """The bopsim version and, in a git checkout, the commit and whether model/ or experiments/ differ from it."""
    root = Path(__file__).resolve().parents[2]
    version: dict[str, Any] = {"bopsim": metadata.version("bopsim")}
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10, check=False)
        dirty = subprocess.run(["git", "diff", "--quiet", "HEAD", "--", "model", "experiments"], cwd=root,
                               capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return version
    if commit.returncode == 0:
        version |= {"git_commit": commit.stdout.strip(), "git_modified": dirty.returncode != 0}
    return version


@lru_cache(maxsize=1)
def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions
