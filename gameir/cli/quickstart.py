"""`gameir quickstart`: check the environment, build a small dataset, verify it and describe it."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from gameir.cli.doctor import collect_facts
from gameir.shards.info import describe_dataset
from gameir.shards.synthetic import write_synthetic_dataset
from gameir.shards.verify import verify_path

__all__ = ["register", "run"]


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "quickstart", help="check the environment and build, verify and describe a small dataset",
        description="The main job, end to end on a small scale: environment facts (as `gameir doctor`), "
                    "a small dataset with every buffer at LR and HR written to --out, then `verify` and `info` on it.",
        epilog="example:\n  gameir quickstart --out gameir-quickstart",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="gameir-quickstart", help="output folder (default: %(default)s)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    out = Path(args.out)
    print("== environment")
    facts = collect_facts()
    gl = facts["gl"]
    print(f"python {facts['python']}  torch {facts['torch']}  h5py {facts['h5py']} (HDF5 {facts['hdf5']})  cuda: {facts['cuda']}")
    print(f"OpenGL: {gl.get('renderer', '-')} | {gl.get('version', gl.get('error', ''))}")
    print(f"== dataset -> {out}")
    manifest = write_synthetic_dataset(out / "synthetic")
    for split, body in manifest["splits"].items():
        print(f"  {split:<6} {body['clips']} clip(s), {body['frames']} frames, {body['bytes'] / 1e3:.1f} kB")
    print("== verify")
    faults, _ = verify_path(out / "synthetic")
    for line in faults:
        print(f"  FAIL {line}")
    print(f"  {'OK' if not faults else f'{len(faults)} fault(s)'}")
    info = describe_dataset(out / "synthetic")
    shard = info["example_shard"]
    print(f"== info: {len(shard['datasets'])} buffer datasets per shard, compression ratio {shard['ratio']:.2f}")
    print(f"done in {time.perf_counter() - start:.1f} s")
    return 1 if faults or "error" in gl else 0
