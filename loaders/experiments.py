#!/usr/bin/env python
"""Native LR vs degraded LR vs native LR + G-buffers: train the arms, score them, write docs/RESULTS.md.

Arms (same model, steps, batch, crops and seeds; only the LR input differs):
    A  native LR RGB                       --lr-source native
    B  HR degraded by MATLAB bicubic, RGB  --lr-source bicubic
    C  native LR + depth, normal, basecolor --lr-source native --gbuffers depth,normal,basecolor
    T  native LR, temporal model            --model temporal --frames 3 (optional: --arms A,B,C,T)
    D  box-degraded HR, RGB                 --lr-source bilinear-aa (optional)
Baselines: bicubic, lanczos (OpenCV) and joint bilateral upsampling guided by the HR G-buffers
(gameir.baselines). Every method is scored on natively rendered LR test frames: PSNR/SSIM in RGB
and Y (border of `scale` px cropped, data range 1) and the temporal warping error between
consecutive outputs with the ground-truth motion (and the same error of the ground truth).

Examples:
    # the CPU table of docs/RESULTS.md (renders the slice first if DATA has no manifest)
    python loaders/experiments.py --data data/gameir-sr-240 --out runs/experiments
    # on a GPU: more data, a bigger model and budget
    python loaders/experiments.py --data data/gameir-sr-full --lr-size 960,720 --clips 16 --steps 20000 \\
        --batch-size 32 --patch 96 --n-feats 64 --n-blocks 16 --seeds 0,1,2 --device cuda --out runs/exp-gpu
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import torch

REPO = Path(__file__).resolve().parents[1]
ARMS = {
    "A": {"lr_source": "native", "gbuffers": "", "label": "A: native LR, RGB"},
    "B": {"lr_source": "bicubic", "gbuffers": "", "label": "B: bicubic-degraded HR, RGB"},
    "C": {"lr_source": "native", "gbuffers": "depth,normal,basecolor", "label": "C: native LR + depth, normal, basecolor"},
    "D": {"lr_source": "bilinear-aa", "gbuffers": "", "label": "D: box-degraded HR, RGB"},
    "T": {"lr_source": "native", "gbuffers": "", "model": "temporal", "label": "T: native LR, RGB, temporal (warped history)"},
}
GUIDES = ("depth", "normal", "basecolor")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("Examples:")[1],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="dataset root; rendered with `gameir render gameir-sr` if it has no manifest")
    p.add_argument("--out", required=True, help="folder for the runs and results.json")
    p.add_argument("--results", default=str(REPO / "docs" / "RESULTS.md"), help="Markdown report to write")
    p.add_argument("--preset", default="gameir-sr")
    p.add_argument("--clips", type=int, default=3, help="clips per split to render (gameir render --clips)")
    p.add_argument("--lr-size", default="240,180", help="LR width,height override of the preset (HR = scale x)")
    p.add_argument("--no-render", action="store_true", help="never render; DATA must exist")
    p.add_argument("--arms", default="A,B,C", help=f"arms to train, from {','.join(ARMS)}")
    p.add_argument("--seeds", default="0,1")
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--patch", type=int, default=32)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--n-feats", type=int, default=32)
    p.add_argument("--n-blocks", type=int, default=5)
    p.add_argument("--test-frames", type=int, default=12, help="first N frames of each test clip (0: all)")
    p.add_argument("--workers", type=int, default=2, help="training runs in parallel")
    p.add_argument("--threads", type=int, default=1, help="torch threads per training run")
    p.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    return p.parse_args(argv)


# -- data -----------------------------------------------------------------------------------------
def render_command(a: argparse.Namespace) -> list[str]:
    w, h = (int(v) for v in a.lr_size.split(","))
    return ["gameir", "render", a.preset, "--out", a.data, "--clips", str(a.clips), "--override", f"render.lr=[{w},{h}]"]


def ensure_data(a: argparse.Namespace) -> tuple[list[str] | None, float]:
    """Render the slice unless DATA already has a manifest; return the command run (None: reused) and its seconds."""
    if (Path(a.data) / "manifest.json").is_file():
        return None, 0.0
    if a.no_render:
        raise SystemExit(f"experiments: {a.data} has no manifest.json and --no-render was given")
    cmd = render_command(a)
    print("$", shlex.join(cmd), flush=True)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True)
    return cmd, time.perf_counter() - t0


def describe_data(root: str) -> dict[str, Any]:
    from gameir.shards import ShardReader

    manifest = json.loads((Path(root) / "manifest.json").read_text())
    out: dict[str, Any] = {"plan": manifest.get("extra", {}).get("plan") or {}, "splits": {}}
    first = next(iter(manifest["splits"].values()))["shards"][0]
    with ShardReader(Path(root) / first["path"]) as reader:
        out["render"] = reader.render_settings
    for split, body in manifest["splits"].items():
        shards = body["shards"]
        out["splits"][split] = {
            "clips": body["clips"], "frames": body["frames"],
            "clip_ids": [s["clip_id"] for s in shards],
            "lr": shards[0]["levels"]["lr"], "hr": shards[0]["levels"]["hr"],
        }
    return out


# -- training -------------------------------------------------------------------------------------
def train_command(a: argparse.Namespace, arm: str, seed: int, run: Path) -> list[str]:
    spec = ARMS[arm]
    cmd = [sys.executable, str(REPO / "loaders" / "train_sr.py"), "--data", a.data, "--out", str(run),
           "--lr-source", spec["lr_source"], "--steps", str(a.steps), "--batch-size", str(a.batch_size),
           "--patch", str(a.patch), "--lr", str(a.lr), "--n-feats", str(a.n_feats), "--n-blocks", str(a.n_blocks),
           "--seed", str(seed), "--val-every", str(max(1, a.steps // 4)), "--val-frames", "6",
           "--ckpt-every", str(max(1, a.steps // 4)), "--threads", str(a.threads), "--device", a.device, "--quiet"]
    if spec["gbuffers"]:
        cmd += ["--gbuffers", spec["gbuffers"]]
    if spec.get("model") == "temporal":
        cmd += ["--model", "temporal", "--frames", "3"]
    return cmd


def run_training(a: argparse.Namespace, arm: str, seed: int) -> dict[str, Any]:
    run = Path(a.out) / f"{arm}-seed{seed}"
    summary_path = run / "summary.json"
    cmd = train_command(a, arm, seed, run)
    if summary_path.is_file():
        summary = json.loads(summary_path.read_text())
        if summary.get("finished") and summary.get("steps") == a.steps:
            print(f"[{arm} seed {seed}] reusing {run}", flush=True)
            return {**summary, "reused": True}
    if (run / "checkpoint.pt").is_file():
        cmd.append("--resume")
    print(f"[{arm} seed {seed}] training -> {run}", flush=True)
    log = run.parent / f"{run.name}.out"
    run.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as fh:
        proc = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT)
    if proc.returncode != 0:
        raise SystemExit(f"experiments: training {arm} seed {seed} failed (exit {proc.returncode}); see {log}")
    summary = json.loads(summary_path.read_text())
    print(f"[{arm} seed {seed}] done: val PSNR {summary['val']['psnr']:.3f} dB "
          f"(bicubic {summary['val_bicubic']['psnr']:.3f}) in {summary['seconds_total']:.0f} s", flush=True)
    return summary


# -- evaluation -----------------------------------------------------------------------------------
def load_test_items(root: str, test_frames: int) -> list[dict[str, Any]]:
    """Full test frames: native LR + LR G-buffers (model input), HR G-buffers (guides), HR motion."""
    from gameir.data import SRDataset

    lr_set = SRDataset(root, "test", gbuffers=GUIDES + ("motion",), seed=0)
    hr_set = SRDataset(root, "test", gbuffers=GUIDES + ("motion",), gbuffer_res="hr", depth_mode="metres", seed=0)
    lr_metres = SRDataset(root, "test", gbuffers=("depth",), depth_mode="metres", seed=0)
    scale = lr_set.scale
    items, seen = [], {}
    for i in range(len(lr_set)):
        clip, frame = lr_set.locate(i)
        seen[clip] = seen.get(clip, 0) + 1
        if test_frames and seen[clip] > test_frames:
            continue
        it, hr_it = lr_set[i], hr_set[i]
        items.append({
            "lr": it["lr"], "hr": it["hr"], "lr_aux": it["lr_aux"], "clip_id": it["clip_id"], "frame": it["frame"],
            "scene_family": it["scene_family"],
            "hr_depth": hr_it["depth"], "hr_normal": hr_it["normal"], "hr_basecolor": hr_it["basecolor"],
            "lr_depth": lr_metres[i]["depth"], "lr_normal": it["normal"], "lr_basecolor": it["basecolor"],
            "motion_hr": hr_it["motion"] * scale,  # LR-pixel units at HR -> HR pixels
            "motion": it["motion"],  # LR pixels at LR: the temporal model's input
        })
    return items


def evaluate_all(a: argparse.Namespace, items: list[dict[str, Any]], runs: dict[tuple[str, int], Path],
                 scale: int) -> dict[str, Any]:
    from gameir.baselines import joint_bilateral_upscale, upscale
    from gameir.evaluation import evaluate_sr_predictor, resolve_device
    from gameir.models import load_torchscript

    device = resolve_device(a.device)
    methods: dict[str, Any] = {
        "bicubic": lambda b, _: upscale(b["lr"], scale, "bicubic", data_range=1.0),
        "lanczos": lambda b, _: upscale(b["lr"], scale, "lanczos", data_range=1.0),
        "joint-bilateral (HR depth, normal, basecolor)": lambda b, _: joint_bilateral_upscale(
            b["lr"], scale, {g: b[f"hr_{g}"] for g in GUIDES}, {g: b[f"lr_{g}"] for g in GUIDES}),
    }
    results: dict[str, Any] = {}
    for name, fn in methods.items():
        t0 = time.perf_counter()
        r = evaluate_sr_predictor(fn, items, scale=scale, device=device, stability=True)
        r.pop("records")
        r["seconds"] = time.perf_counter() - t0
        results[name] = r
        print(f"[eval] {name}: PSNR {r['psnr']:.3f} SSIM {r['ssim']:.4f} warp {r['warp_mse'] * 1e3:.3f}e-3", flush=True)
    for (arm, seed), run in sorted(runs.items()):
        module, config, _ = load_torchscript(run / "model.pt", map_location=device)
        n_aux = len(config["aux_channels"])
        temporal = config["kind"] == "temporal"

        def predict(b, prev, module=module, n_aux=n_aux, temporal=temporal):
            x = torch.cat([b["lr"], b["lr_aux"][:, :n_aux]], 1) if n_aux else b["lr"]
            if temporal and prev is not None:
                return module(x, prev, b["motion"])
            return module(x)

        t0 = time.perf_counter()
        r = evaluate_sr_predictor(predict, items, scale=scale, device=device, stability=True)
        r.pop("records")
        r["seconds"] = time.perf_counter() - t0
        results[f"{arm}-seed{seed}"] = r
        print(f"[eval] {arm} seed {seed}: PSNR {r['psnr']:.3f} SSIM {r['ssim']:.4f} warp {r['warp_mse'] * 1e3:.3f}e-3",
              flush=True)
    return results


# -- report ---------------------------------------------------------------------------------------
METRICS = (("psnr", "PSNR", 2, 1), ("psnr_y", "PSNR-Y", 2, 1), ("ssim", "SSIM", 4, 1), ("ssim_y", "SSIM-Y", 4, 1),
           ("warp_mse", "warp MSE ×10³", 3, 1e3))


def _agg(values: list[float], digits: int, mult: float) -> str:
    if len(values) == 1:
        return f"{values[0] * mult:.{digits}f}"
    return f"{statistics.mean(values) * mult:.{digits}f} ± {statistics.stdev(values) * mult:.{digits}f}"


def write_report(a: argparse.Namespace, facts: dict[str, Any], results: dict[str, Any], arms: list[str],
                 seeds: list[int], summaries: dict[tuple[str, int], dict]) -> str:
    gt_warp = statistics.mean(r["warp_mse_gt"] for r in results.values())
    lines = ["# Results: native vs degraded LR training, and G-buffer inputs", "",
             "Produced by `loaders/experiments.py`; every number below comes from that run (no hand edits).", ""]
    lines += ["## Command", "", "```", facts["command"], "```", ""]
    if facts.get("render_command"):
        lines += [f"Data rendered by the script with `{facts['render_command']}` ({facts['render_seconds']:.0f} s).", ""]
    else:
        lines += [f"DATA already existed and was reused; the script renders it when missing with "
                  f"`{shlex.join(render_command(a))}`.", ""]
    d = facts["data"]
    rs = d.get("render", {})
    lr_aa, hr_aa = rs.get("lr", {}), rs.get("hr", {})
    lines += ["## Data slice", "",
              f"Preset `{d['plan'].get('preset', rs.get('preset', '?'))}` (plan digest `{d['plan'].get('digest', '?')}`) "
              f"with LR {d['splits']['test']['lr'][1]}×{d['splits']['test']['lr'][0]} → HR "
              f"{d['splits']['test']['hr'][1]}×{d['splits']['test']['hr'][0]} (×{facts['scale']}), "
              f"the first {d['plan'].get('max_clips') or 'all'} clip(s) of each split, {rs.get('detail', '?')} detail. "
              f"Both levels are rendered natively: LR anti-aliasing `{lr_aa.get('aa', '?')}` "
              f"(SSAA {lr_aa.get('ssaa', '?')}), HR `{hr_aa.get('aa', '?')}` (SSAA {hr_aa.get('ssaa', '?')}), "
              f"jitter {rs.get('jitter', '?')}, LR LOD bias {rs.get('lr_lod_bias', '?')}.", ""]
    for split in ("train", "val", "test"):
        s = d["splits"].get(split)
        if s:
            lines.append(f"- {split}: {s['clips']} clips, {s['frames']} frames: {', '.join(s['clip_ids'])}")
    lines += ["", f"Scored on the first {a.test_frames or 'all'} frames of each test clip "
              f"({facts['test_frames']} frames, {facts['warp_pairs']} consecutive pairs), natively rendered LR input.", ""]
    s0 = next(iter(summaries.values()))
    lines += ["## Budget and protocol", "",
              f"- Model: CompactSR, {a.n_feats} features, {a.n_blocks} residual blocks; parameters "
              + ", ".join(f"{arm} {summaries[(arm, seeds[0])]['parameters']:,}" for arm in arms)
              + (" (T = TemporalSR: + warped previous output, trained on windows of 3 consecutive frames, "
                 "back-propagating through the recurrence)" if "T" in arms else "") + ".",
              f"- Training per run: {a.steps} steps of AdamW (lr {a.lr}, cosine, warm-up min(100, steps/20)), "
              f"L1 loss, batch {a.batch_size} random LR crops of {a.patch}×{a.patch} with flips/transposes; "
              f"seeds {', '.join(map(str, seeds))} (model init, crops and batch order).",
              f"- Wall time per run: {_range([s['seconds_total'] for s in summaries.values()])} s "
              f"({a.workers} runs in parallel, {a.threads} torch thread(s) each).",
              "- Metrics: PSNR and SSIM (Wang et al. 2004, gameir.metrics) per frame on [0, 1], "
              f"{facts['scale']} px border cropped, RGB and BT.601 Y; means over frames, then mean ± sample "
              "standard deviation over seeds.",
              "- Temporal stability: warping error = MSE between output t and output t−1 warped with the "
              "ground-truth HR motion vectors (gameir.models.warp_error), over pixels whose motion stays in frame; "
              f"the same on the ground truth is {gt_warp * 1e3:.3f}×10⁻³ (lower = steadier; below the "
              "ground truth means over-smoothed).", "",
              f"- Machine: {facts['machine']}.",
              f"- Invocations of this command on {a.out} (a finished run is reused, not retrained): {facts['timing']}.", ""]
    head = "| method | LR input at training | " + " | ".join(m[1] for m in METRICS) + " |"
    lines += ["## Table", "", head, "|" + " --- |" * (2 + len(METRICS))]
    for name in ("bicubic", "lanczos", "joint-bilateral (HR depth, normal, basecolor)"):
        r = results[name]
        lines.append(f"| {name} | – | " + " | ".join(_agg([r[k]], dg, m) for k, _, dg, m in METRICS) + " |")
    for arm in arms:
        rs = [results[f"{arm}-seed{s}"] for s in seeds]
        lines.append(f"| {ARMS[arm]['label']} | {ARMS[arm]['lr_source']} | "
                     + " | ".join(_agg([r[k] for r in rs], dg, m) for k, _, dg, m in METRICS) + " |")
    lines += ["", "Per seed:", "", "| run | PSNR | SSIM | warp MSE ×10³ | val PSNR at end | wall s |", "| --- | --- | --- | --- | --- | --- |"]
    for arm in arms:
        for s in seeds:
            r, sm = results[f"{arm}-seed{s}"], summaries[(arm, s)]
            lines.append(f"| {arm} seed {s} | {r['psnr']:.3f} | {r['ssim']:.4f} | {r['warp_mse'] * 1e3:.3f} | "
                         f"{sm['val']['psnr']:.3f} | {sm['seconds_total']:.0f} |")
    lines += ["", "## What the numbers say", ""] + findings(results, arms, seeds)
    lines += ["", "Curves of each run: `<out>/<arm>-seed<k>/curves.png`; per-run logs: `log.csv`, `summary.json`.", ""]
    return "\n".join(lines)


def _range(v: list[float]) -> str:
    return f"{min(v):.0f}–{max(v):.0f}" if len(v) > 1 else f"{v[0]:.0f}"


def findings(results: dict[str, Any], arms: list[str], seeds: list[int]) -> list[str]:
    """Sentences computed from the numbers: differences and whether they exceed the seed spread."""
    def stats(arm: str, key: str = "psnr") -> tuple[float, float]:
        v = [results[f"{arm}-seed{s}"][key] for s in seeds]
        return statistics.mean(v), (statistics.stdev(v) if len(v) > 1 else 0.0)

    out = []
    bic, bic_ssim = results["bicubic"]["psnr"], results["bicubic"]["ssim"]
    means = {name: r["psnr"] for name, r in results.items() if "-seed" not in name}
    means.update({ARMS[arm]["label"]: stats(arm)[0] for arm in arms})
    best = max(means, key=means.get)
    out.append(f"- Highest PSNR: {best} ({means[best]:.2f} dB).")
    for arm in arms:
        m, _ = stats(arm)
        out.append(f"- {ARMS[arm]['label']}: {m - bic:+.2f} dB PSNR and {stats(arm, 'ssim')[0] - bic_ssim:+.4f} SSIM "
                   "vs bicubic.")
    pairs = [("A", "B", "native LR vs bicubic-degraded HR (RGB)"), ("C", "A", "G-buffers added to native LR")]
    for x, y, what in pairs:
        if x in arms and y in arms:
            (mx, sx), (my, sy) = stats(x), stats(y)
            diff = mx - my
            spread = sx + sy
            verdict = ("larger than" if abs(diff) > spread else "within") + " the summed seed std"
            out.append(f"- {what}: {x} − {y} = {diff:+.2f} dB PSNR ({verdict}, {spread:.2f}); "
                       f"SSIM {stats(x, 'ssim')[0] - stats(y, 'ssim')[0]:+.4f}; "
                       f"warp MSE {1e3 * (stats(x, 'warp_mse')[0] - stats(y, 'warp_mse')[0]):+.3f}×10⁻³.")
    jb = results.get("joint-bilateral (HR depth, normal, basecolor)")
    if jb is not None:
        learned = max(stats(arm)[0] for arm in arms)
        out.append(f"- The joint-bilateral baseline reads the HR G-buffers (HR basecolor carries the texture detail), "
                   f"which no learned arm sees (C gets LR G-buffers only); it is {jb['psnr'] - learned:+.2f} dB PSNR "
                   "from the best learned arm.")
    gt = statistics.mean(r["warp_mse_gt"] for r in results.values())
    below = [n for n, r in results.items() if "-seed" not in n and r["warp_mse"] < gt]
    below += [ARMS[arm]["label"] for arm in arms if stats(arm, "warp_mse")[0] < gt]
    out.append(f"- Warping error below the ground truth's ({gt * 1e3:.3f}×10⁻³), i.e. steadier than the reference "
               f"(smoother): {', '.join(below) or 'none'}.")
    out.append(f"- Scale of this run: {len(seeds)} seeds per arm, so ± is a rough spread; the budget is small "
               "(see above), and the gaps may change with more steps, data and model size "
               "(the flags in the script's --help scale it up on a GPU).")
    return out


def main(argv: list[str] | None = None) -> int:
    a = parse_args(argv)
    arms = [x.strip() for x in a.arms.split(",") if x.strip()]
    for arm in arms:
        if arm not in ARMS:
            raise SystemExit(f"experiments: unknown arm {arm!r}; choose from {', '.join(ARMS)}")
    seeds = [int(s) for s in a.seeds.split(",") if s.strip()]
    t_start = time.perf_counter()
    render_cmd, render_s = ensure_data(a)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    jobs = [(arm, seed) for seed in seeds for arm in arms]
    with ThreadPoolExecutor(max_workers=max(1, a.workers)) as pool:
        summaries = dict(zip(jobs, pool.map(lambda j: run_training(a, *j), jobs)))
    t_train = time.perf_counter() - t_start - render_s
    items = load_test_items(a.data, a.test_frames)
    scale = items[0]["hr"].shape[-1] // items[0]["lr"].shape[-1]
    runs = {j: out / f"{j[0]}-seed{j[1]}" for j in jobs}
    t0 = time.perf_counter()
    results = evaluate_all(a, items, runs, scale)
    t_eval = time.perf_counter() - t0
    cpu = platform.processor() or platform.machine()
    device = "CUDA " + torch.cuda.get_device_name(0) if a.device != "cpu" and torch.cuda.is_available() else \
        f"{os.cpu_count()}-core CPU ({cpu}), no GPU"
    try:
        load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:
        load = "n/a"
    trained = sum(1 for s in summaries.values() if not s.get("reused"))
    ledger_path = out / "timing.json"
    ledger = json.loads(ledger_path.read_text()) if ledger_path.is_file() else []
    ledger.append({"runs_trained": trained, "runs_reused": len(summaries) - trained, "render_s": render_s,
                   "train_s": t_train, "eval_s": t_eval, "load_average": load,
                   "finished_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
    ledger_path.write_text(json.dumps(ledger, indent=2))
    timing = "; ".join(f"{e['finished_utc']}: rendered {e['render_s'] / 60:.1f} min, trained {e['runs_trained']} run(s) "
                       f"in {e['train_s'] / 60:.1f} min (reused {e['runs_reused']}), evaluated in {e['eval_s'] / 60:.1f} min, "
                       f"load average {e['load_average']}" for e in ledger)
    facts = {
        "command": "python loaders/experiments.py " + shlex.join(argv if argv is not None else sys.argv[1:]),
        "render_command": shlex.join(render_cmd) if render_cmd else None, "render_seconds": render_s,
        "data": describe_data(a.data), "scale": scale, "test_frames": len(items),
        "warp_pairs": results["bicubic"]["warp_pairs"],
        "machine": f"{device}, torch {torch.__version__}, {platform.platform()}; the machine was shared with other "
                   f"jobs (load averages below)",
        "timing": timing,
    }
    report = write_report(a, facts, results, arms, seeds, summaries)
    Path(a.results).write_text(report)
    (out / "results.json").write_text(json.dumps({"facts": facts, "results": results,
                                                  "summaries": {f"{k[0]}-seed{k[1]}": v for k, v in summaries.items()}},
                                                 indent=2, default=str))
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
