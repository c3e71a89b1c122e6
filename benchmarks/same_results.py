"""Check that this core gives bit-for-bit the same runs as an earlier revision (for speed-ups).

    .venv/bin/python benchmarks/same_results.py [REVISION]

A change meant only to make the core faster must not change a single number. Both cores run
the same worlds in fresh processes (the earlier one exported with `git archive`, as in
compare_core.py), each with this checkout's scenario files and synthetic worlds, and hash their
state arrays (control, capability, deployment, strike, ties, relations, recruitable pools)
after every month, then their records (region, actor and consequence records, the model table,
the event log) at the end. Prints one line per world, the first month that differs if any, and exits 1
if any world differs. Cores whose rules differ are expected to differ: use it across
revisions that change no rule.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from compare_core import export, use_core

ROOT = Path(__file__).resolve().parents[1]
WORLDS = {"levant_2014.toml seed 1": ("levant_2014.toml", 1, 36), "levant_2014.toml seed 2": ("levant_2014.toml", 2, 36),
          "levant_2014.toml seed 3": ("levant_2014.toml", 3, 36), "abstract.toml seed 1": ("abstract.toml", 1, None),
          "synthetic 500 x 40": ((500, 40), 0, 8), "synthetic 2500 x 200": ((2500, 200), 0, 6)}
"""World: (scenario file or synthetic size, seed, months; None = the scenario's own length)."""
STATE = ("control", "capability", "deployment", "strike", "ties", "relations", "pool")
CONSEQUENCES = ("depth", "home_held", "hostile_home_km2", "nearest_hostile", "hostile_near_home", "deterrence", "ties",
                "joint", "bloc", "power_share", "territory_km2", "active", "forces_abroad", "aid_given", "holder")
"""The fields of a month's consequence record (model/consequences.py), hashed when the core has them."""


def digests(core: Path, world: str) -> list[str]:
    """Hashes of the state after set-up and after every month, then one of the records (run in a child process)."""
    use_core(core)
    from bopsim.model import RegionalModel
    from bopsim.model.scenario import load
    from synthetic import synthetic_world

    source, seed, months = WORLDS[world]
    spec = synthetic_world(*source) if isinstance(source, tuple) else load(ROOT / "scenarios" / source)
    model = RegionalModel(spec, rng=seed, steps=months)
    out = [_state(model)]
    for _ in range(model.horizon):
        model.step()
        out.append(_state(model))
    records = hashlib.sha256()
    for record in model.history:
        for value in (record.holder, record.holder_share, record.ungoverned, record.forces, record.losses, *record.shares):
            records.update(value.tobytes())
    for record in model.actor_records:
        records.update(repr({key: list(value) for key, value in record.items()}).encode())
    for record in getattr(model, "consequences", ()):
        for name in CONSEQUENCES:
            records.update(np.asarray(getattr(record, name)).tobytes())
    records.update(repr(model.log).encode())
    records.update(model.datacollector.get_model_vars_dataframe().to_csv().encode())
    return [*out, records.hexdigest()]


def _state(model) -> str:
    digest = hashlib.sha256()
    for name in STATE:
        digest.update(getattr(model, name).tobytes())
    return digest.hexdigest()


def _child(core: Path, world: str) -> list[str] | str:
    """The digests of `world` run by `core`, or the last line of its error if it cannot run it."""
    env = {**os.environ, "PYTHONPATH": str(core)}
    done = subprocess.run([sys.executable, __file__, "--digests", str(core), world], env=env, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        return (done.stderr.strip().splitlines() or ["no error message"])[-1]
    return json.loads(done.stdout.strip().splitlines()[-1])


def compare(revision: str) -> tuple[list[str], bool]:
    """(one line per world, whether every world is the same)."""
    lines, same = [], True
    with tempfile.TemporaryDirectory() as tmp:
        earlier = export(revision, Path(tmp))
        for world in WORLDS:
            now, before = _child(ROOT, world), _child(earlier, world)
            failed = [f"{which} core fails: {result}" for which, result in (("this", now), ("the earlier", before))
                      if isinstance(result, str)]
            if failed:
                same = False
                lines.append(f"{world}: {'; '.join(failed)}")
                continue
            differ = [i for i, (a, b) in enumerate(zip(now, before, strict=True)) if a != b]
            same &= not differ
            where = "identical" if not differ else (
                "records differ" if differ[0] == len(now) - 1 else f"state differs from month {differ[0]}")
            lines.append(f"{world}: {where} ({len(now) - 2} months)")
    return lines, same


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revision", nargs="?", default="HEAD", help="git revision of the earlier core")
    parser.add_argument("--digests", nargs=2, metavar=("CORE", "WORLD"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.digests is not None:
        print(json.dumps(digests(Path(args.digests[0]), args.digests[1])))
        return 0
    lines, same = compare(args.revision)
    print("\n".join(lines))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
