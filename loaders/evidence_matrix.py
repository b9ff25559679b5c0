#!/usr/bin/env python
"""Run the evidence matrix of loaders/matrix.toml end to end and write its RESULTS.md.

Renders every domain x scale data set (and the held-out-weather test sets), trains every run until
its validation PSNR has flattened (in chunks, resumable), scores runs and baselines on their test
sets per clip, and writes the report with paired bootstrap intervals (loaders/evidence/).
Re-running the same command reuses finished renders, runs and scores and resumes interrupted runs
from their checkpoints; Ctrl-C (SIGINT) checkpoints the runs in flight.

Examples:
    python loaders/evidence_matrix.py --out runs/evidence --plan            # run list + estimated compute
    python loaders/evidence_matrix.py --out runs/evidence                   # the full matrix -> docs/RESULTS.md
    python loaders/evidence_matrix.py --out /tmp/ev --budget smoke --results /tmp/ev/RESULTS.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from evidence import data as data_mod  # noqa: E402
from evidence.jobs import baseline_jobs, data_root, read_json, run_job, run_pool  # noqa: E402
from evidence.matrix import data_specs, load_matrix, run_specs  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("Examples:")[1],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--matrix", default=str(REPO / "loaders" / "matrix.toml"), help="the declared matrix (TOML)")
    p.add_argument("--out", required=True, help="folder for data, runs, scores and the ledger")
    p.add_argument("--budget", default=None, help="apply [budget.NAME] of the matrix (e.g. smoke)")
    p.add_argument("--results", default=None, help="report to write (default docs/RESULTS.md; OUT/RESULTS.md with "
                   "--budget; never docs/RESULTS.md with --budget smoke)")
    p.add_argument("--plan", "--dry-run", action="store_true", dest="plan",
                   help="print the data sets and runs with estimated compute (measured step times) and exit")
    p.add_argument("--workers", type=int, default=2, help="jobs side by side (one torch thread each)")
    p.add_argument("--device", default="cpu", choices=("auto", "cpu", "cuda"))
    return p.parse_args(argv)


def _speeds(m: dict[str, Any], out: Path, runs) -> dict[str, Any]:
    from evidence.speed import measure_all

    from gameir.fileio import atomic_write_json

    path = out / "speed.json"
    key = json.dumps(["v2", m["train"]["batch_size"], m["train"]["patch"], m["data"]["hr_size"]])
    cache = read_json(path) if path.is_file() else {}
    table = cache.setdefault(key, {})
    measure_all(m, runs, table)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_json(path, cache)
    return table


def plan(m: dict[str, Any], out: Path, workers: int, print_runs: bool = True) -> tuple[float, float]:
    """Print data sets and runs with the estimate; return the upper bounds (CPU run-hours, GPU training hours)."""
    from evidence.speed import GPU_ASSUMED_TFLOPS, GPU_STEP_FLOOR_S, estimate, speed_key

    runs = run_specs(m)
    speed = _speeds(m, out, runs)
    for spec in data_specs(m):
        print(f"[data] {spec.name}: {shlex.join(data_mod.render_command(m, spec, data_root(out, spec)))}")
        if not spec.heldout:
            cov = data_mod.coverage(m, spec)
            print(f"       {cov['clips']} train clips; family x weather pairs missing: {cov['missing'] or 'none'}")
    total = gpu = 0.0
    for run in runs:
        e = estimate(m, run, speed, run.tests)
        total += e["train_s"] + e["val_s"] + e["score_s"]
        gpu += e["gpu_train_s"]
        if print_runs:
            sp = speed[speed_key(run)]
            print(f"[run] {run.name}: {sp['parameters']:,} params, {1 / sp['step_s']:.2f} steps/s -> <= "
                  f"{e['train_s'] / 3600:.2f} h train + {(e['val_s'] + e['score_s']) / 3600:.2f} h val/score, "
                  f"{len(run.tests)} test sets")
    print(f"[plan] {len(runs)} runs + {len(baseline_jobs(m, out, 'cpu'))} baseline jobs; upper bound "
          f"{total / 3600:.1f} run-hours = {total / 3600 / max(1, workers):.1f} h wall at {workers} side by side "
          f"(max_steps each; flattening stops runs earlier). On a GPU (assumed {GPU_ASSUMED_TFLOPS:.0f} TFLOP/s "
          f"effective, >= {GPU_STEP_FLOOR_S * 1e3:.0f} ms/step): {gpu / 3600:.1f} h of training steps, one run at a time. "
          "Step times (1 thread):")
    for k, v in speed.items():
        print(f"       {k}: {v['parameters']:,} params, {v['step_s'] * 1e3:.0f} ms/step, "
              f"{v['step_flops'] / 1e9:.2f} GFLOP/step, {v['infer_s'] * 1e3:.0f} ms/frame, load {v['load_average']}")
    return total / 3600, gpu / 3600


def machine(device: str) -> str:
    import torch

    if device != "cpu" and torch.cuda.is_available():
        return f"CUDA {torch.cuda.get_device_name(0)}, torch {torch.__version__}"
    return (f"{os.cpu_count()}-core CPU ({platform.processor() or platform.machine()}), no GPU, torch "
            f"{torch.__version__}, {platform.platform()}; shared with other jobs (load averages in the ledger)")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    a = parse_args(argv)
    m = load_matrix(a.matrix, a.budget)
    out = Path(a.out)
    results = Path(a.results) if a.results else (out / "RESULTS.md" if a.budget else REPO / "docs" / "RESULTS.md")
    if a.budget == "smoke" and results.resolve() == (REPO / "docs" / "RESULTS.md").resolve():
        print("evidence_matrix: the smoke budget does not write docs/RESULTS.md; pass --results elsewhere",
              file=sys.stderr)
        return 2
    if a.plan:
        plan(m, out, a.workers)
        return 0
    t0 = time.perf_counter()
    coverage, renders = {}, []
    for spec in data_specs(m):
        if not spec.heldout:
            coverage[spec.name] = data_mod.coverage(m, spec)
            if coverage[spec.name]["missing"] and not a.budget:
                print(f"evidence_matrix: {spec.name} training clips miss family x weather pairs "
                      f"{coverage[spec.name]['missing']}; raise data.train_clips", file=sys.stderr)
                return 2
        print(f"[data] {spec.name}", flush=True)
        renders.append(data_mod.ensure_data(m, spec, data_root(out, spec), out / "data" / f"{spec.name}.log"))
    render_s = time.perf_counter() - t0
    jobs = [run_job(m, out, r, a.device) for r in run_specs(m)] + baseline_jobs(m, out, a.device)
    try:
        pool = run_pool(out, jobs, a.workers, log=lambda s: print(s, flush=True))
    except KeyboardInterrupt as stop:
        print(f"evidence_matrix: {stop}; rerun the same command to continue", file=sys.stderr)
        return 130
    write_results(m, out, jobs, a, argv, results, render_s, pool, coverage, renders)
    print(f"[report] wrote {results}")
    return 0


def write_results(m, out: Path, jobs, a, argv, results: Path, render_s: float, pool: dict, coverage, renders) -> None:
    from evidence.claims import collect
    from evidence.report import Report

    from gameir.fileio import atomic_write_bytes, atomic_write_json

    ledger_path = out / "ledger.json"
    ledger = read_json(ledger_path) if ledger_path.is_file() else []
    ledger.append({"finished_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "render_s": render_s,
                   "jobs_ran": pool["ran"], "jobs_reused": pool["reused"], "pool_s": pool["seconds"],
                   "load_average": ", ".join(f"{v:.1f}" for v in os.getloadavg())})
    atomic_write_json(ledger_path, ledger)
    scores = collect(out, jobs)
    train_s = sum(read_json(out / "runs" / j["name"] / "done.json")["seconds"] for j in jobs if j["kind"] == "run")
    score_s = sum(read_json(out / ("runs" if j["kind"] == "run" else "baselines") / j["name"] / "scores"
                            / f"{t['name']}.json")["seconds"] for j in jobs for t in j["tests"])
    cmd = ["python", "loaders/evidence_matrix.py", *argv]
    cpu_h, gpu_h = plan(m, out, a.workers, print_runs=False)
    facts = {"command": shlex.join(cmd), "coverage": coverage, "renders": renders, "machine": machine(a.device),
             "train_s": train_s, "score_s": score_s, "render_s": sum(e["render_s"] for e in ledger),
             "workers": a.workers, "estimate_cpu_h": cpu_h, "estimate_gpu_h": gpu_h,
             "ledger": "; ".join(f"{e['finished_utc']}: ran {e['jobs_ran']} jobs, reused {e['jobs_reused']}, "
                                 f"{e['pool_s'] / 60:.1f} min, load {e['load_average']}" for e in ledger)}
    text = Report(m, out, jobs, scores, facts, results).build()
    results.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(results, text.encode())
    atomic_write_json(out / "results.json", {"facts": facts, "scores": scores})


if __name__ == "__main__":
    sys.exit(main())
