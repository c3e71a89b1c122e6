"""`bopsim figures`: run (or reuse) the experiments behind the paper's figures and draw them."""

from __future__ import annotations

import argparse
import time
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "figures", help="reproduce the paper's figures (PDF + PNG, manifest with data hashes)",
        description="Run or reuse the experiment behind each figure, draw it as PDF and PNG into OUT, and write "
                    "OUT/manifest.json (experiment hash, data hash and command per figure). See docs/figures.md.")
    parser.add_argument("--quick", action="store_true", help="few replications (for CI); the default is the full set")
    parser.add_argument("--only", metavar="NAME", default=None, help="build only this figure (e.g. fig2_isis_territory)")
    parser.add_argument("--out", type=Path, default=Path("figures"), help="output folder (default: figures)")
    parser.set_defaults(func=figures_command)


def figures_command(args: argparse.Namespace) -> int:
    from bopsim.experiments.figures.build import build_figures

    started = time.perf_counter()
    manifest = build_figures(args.out, quick=args.quick, only=args.only)
    for name, entry in sorted(manifest["figures"].items()):
        print(f"{name}: {', '.join(entry['files'])}  data {entry['data_hash'][:12]}  ({entry['replications']} replications)")
    print(f"{len(manifest['figures'])} figure(s) in {args.out}/ ({manifest['mode']}) in {time.perf_counter() - started:.0f} s; "
          f"manifest: {args.out}/manifest.json")
    return 0
