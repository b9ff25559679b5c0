"""The first minutes of a user's session, against an installed gameir (not the checkout).

Run with the interpreter of the environment under test, from a directory outside the checkout:

    VENV/bin/python .ci/smoke_install.py --work DIR [--skip-torch REASON]

Steps: the imported gameir is the installed one; the shipped presets and protocols are found;
`gameir render tiny` (test split, 2 frames per clip), `gameir verify`, `gameir info`; a
ShardReader reads LR and HR frames; then, with torch, an SRDataset item and
`gameir eval sr --method bicubic --protocol gameir-sr-x2`. Without torch (``--skip-torch``) the
torch steps are printed as skipped with the reason, and the script proves the render, verify and
shard steps ran without torch. One line per step; exit 1 at the first failure.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

T0 = time.perf_counter()


def say(status: str, step: str, detail: str = "") -> None:
    print(f"  {status:<4} {step:<34} {detail}".rstrip(), flush=True)


def fail(step: str, detail: str) -> None:
    say("FAIL", step, detail)
    raise SystemExit(1)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("gameir")  # the console script the install created
    env = {**os.environ, "LP_NUM_THREADS": "1"}
    env.pop("PYTHONPATH", None)
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env=env)


def check(step: str, proc: subprocess.CompletedProcess, expect: str) -> str:
    if proc.returncode != 0 or expect not in proc.stdout:
        fail(step, f"exit {proc.returncode}, expected {expect!r} in stdout\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", required=True, help="scratch directory (a dataset is rendered into it)")
    parser.add_argument("--skip-torch", metavar="REASON", help="run the steps that need no torch; print REASON")
    args = parser.parse_args()
    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    os.chdir(work)  # nothing of the checkout on sys.path

    import gameir
    from gameir.pipeline.presets import PRESET_DIRS, list_presets

    prefix = Path(sys.prefix).resolve()
    origin = Path(gameir.__file__).resolve()
    if prefix not in origin.parents:
        fail("installed gameir imported", f"{origin} is not under this environment's prefix {prefix}")
    say("ok", "installed gameir imported", f"gameir {gameir.__version__} from {origin.parent}")
    presets = list_presets()
    protocol_dir = origin.parent / "protocols"  # gameir.evaluation needs torch; the files must not
    protocols = sorted(p.stem for p in protocol_dir.glob("*.json"))
    if prefix not in PRESET_DIRS[0].parents or "tiny" not in presets or "gameir-sr" not in presets:
        fail("shipped presets", f"{PRESET_DIRS[0]}: {presets}")
    if "gameir-sr-x2" not in protocols:
        fail("shipped protocols", f"{protocol_dir}: {protocols}")
    say("ok", "shipped presets and protocols", f"{len(presets)} presets, {len(protocols)} protocols (package data)")

    data = work / "tiny"
    out = check("gameir render tiny", run_cli("render", "tiny", "--out", str(data), "--split", "test",
                                             "--override", "clips.frames=2", "--quiet"), "tiny: rendered 3 clip(s)")
    say("ok", "gameir render tiny", out.splitlines()[0].split("; ", 1)[-1])
    check("gameir verify", run_cli("verify", str(data)), f"{data}: OK")
    say("ok", "gameir verify", "checksums and format of 3 shards")
    check("gameir info", run_cli("info", str(data)), "total")
    say("ok", "gameir info")

    from gameir.shards import ShardReader

    manifest = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
    shard = data / manifest["splits"]["test"]["shards"][0]["path"]
    reader = ShardReader(shard)
    lr, hr = reader.read("rgb", "lr", 1), reader.read("rgb", "hr", 1)
    if lr.shape != (48, 64, 3) or hr.shape != (96, 128, 3) or str(lr.dtype) != "uint8":
        fail("ShardReader", f"{shard}: rgb lr {lr.shape} {lr.dtype}, hr {hr.shape}; expected (48, 64, 3), (96, 128, 3)")
    say("ok", "ShardReader", f"{shard.name}: rgb lr {lr.shape}, hr {hr.shape}, {reader.num_frames} frames")

    if args.skip_torch:
        if "torch" in sys.modules:
            fail("shard layer without torch", "gameir.shards / gameir.pipeline imported torch")
        try:
            import torch  # noqa: F401
        except ImportError:
            pass
        else:
            fail("torch absent", "--skip-torch given but torch imports in this environment")
        say("ok", "no torch needed so far", "render, verify, info and ShardReader ran without torch installed")
        for step in ("SRDataset", "gameir eval sr --method bicubic"):
            say("SKIP", step, f"needs torch: {args.skip_torch}")
    else:
        from gameir.data import SRDataset

        ds = SRDataset(data, "test")
        item = ds[0]
        if len(ds) != 6 or tuple(item["lr"].shape) != (3, 48, 64) or tuple(item["hr"].shape) != (3, 96, 128):
            fail("SRDataset", f"{ds!r}: len {len(ds)}, lr {tuple(item['lr'].shape)}, hr {tuple(item['hr'].shape)}")
        say("ok", "SRDataset", f"6 items, lr {tuple(item['lr'].shape)}, hr {tuple(item['hr'].shape)}")
        out = check("gameir eval sr --method bicubic",
                    run_cli("eval", "sr", "--data", str(data), "--method", "bicubic", "--protocol", "gameir-sr-x2",
                           "--quiet"), "Protocol: protocol gameir-sr-x2; task sr")
        row = next((line for line in out.splitlines() if line.startswith("| overall")), "")
        say("ok", "gameir eval sr --method bicubic", " ".join(row.split()))
    say("ok", "all steps", f"{time.perf_counter() - T0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
