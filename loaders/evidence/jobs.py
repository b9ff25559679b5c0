"""The matrix as jobs on disk (``OUT/runs/<run>/job.json``, ``OUT/baselines/<name>/job.json``) and
a small pool that runs them as worker processes, at most ``workers`` at a time.

A job's digest covers everything that decides its result, so a job whose ``done.json`` /
``scores/*.json`` carry the same digest is reused, and a changed matrix entry is redone in a new
state (the old files are kept under their run name only if the digest matches).
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from evidence.matrix import DataSpec, RunSpec, TestSpec, run_digest, run_options

WORKER = Path(__file__).resolve().parent / "worker.py"
BASELINES = {"bicubic": "all", "joint-bilateral": "own"}


def read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: cannot read JSON ({exc})") from exc


def _digest(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()[:16]


def data_root(out: Path, spec: DataSpec) -> Path:
    return (out / "data" / spec.name).resolve()


def _test_entry(out: Path, m: dict[str, Any], t: TestSpec) -> dict[str, Any]:
    spec = DataSpec(t.domain, m["domains"][t.domain]["preset"], t.scale, t.heldout)
    return {"name": t.name, "domain": t.domain, "scale": t.scale, "source": t.source, "heldout": t.heldout,
            "root": str(data_root(out, spec))}


def eval_options(m: dict[str, Any]) -> dict[str, Any]:
    return {"test_frames": int(m["eval"]["test_frames"]), "flip": bool(m["eval"]["flip"])}


def run_job(m: dict[str, Any], out: Path, run: RunSpec, device: str) -> dict[str, Any]:
    """The job of one training run: options, flattening rule, its test sets."""
    spec = DataSpec(run.domain, m["domains"][run.domain]["preset"], run.scale, False)
    opts = run_options(m, run, str(data_root(out, spec)), "", device)
    t = m["train"]
    rule = {"window": int(t["flatten_window"]), "min_gain_db": float(t["flatten_min_gain_db"]),
            "min_steps": int(t["min_steps"])}
    digest = _digest([run_digest(opts), rule, m["data"]])
    return {"kind": "run", "name": run.name, "arm": run.arm, "spec": run.to_dict(), "options": opts, "flatten": rule,
            "digest": digest, "score_digest": _digest([digest, eval_options(m)]), "scale": run.scale,
            "device": device, "threads": int(t["threads"]), **eval_options(m),
            "tests": [_test_entry(out, m, x) for x in run.tests]}


def baseline_jobs(m: dict[str, Any], out: Path, device: str) -> list[dict[str, Any]]:
    """Bicubic on every test set of each scale; joint-bilateral (HR G-buffer guides) on the native ones
    when a track compares against it."""
    from evidence.matrix import test_specs

    jobs = []
    wanted = ["bicubic"] + (["joint-bilateral"] if any(t.get("compare") == "joint-bilateral"
                                                       for t in m["tracks"].values()) else [])
    for name in wanted:
        which = BASELINES[name]
        for scale in m["matrix"]["scales"]:
            tests: dict[str, TestSpec] = {}
            for domain in m["domains"]:
                for t in test_specs(m, domain, int(scale), "all" if which == "all" else "own"):
                    tests[t.name] = t
            digest = _digest([name, m["data"], eval_options(m)])
            jobs.append({"kind": "baseline", "name": f"{name}-x{scale}", "baseline": name, "scale": int(scale),
                         "digest": digest, "score_digest": digest, "device": device,
                         "threads": int(m["train"]["threads"]), **eval_options(m),
                         "tests": [_test_entry(out, m, t) for t in tests.values()]})
    return jobs


def job_dir(out: Path, job: dict[str, Any]) -> Path:
    return out / ("runs" if job["kind"] == "run" else "baselines") / job["name"]


def job_finished(out: Path, job: dict[str, Any]) -> bool:
    d = job_dir(out, job)
    if job["kind"] == "run":
        done = d / "done.json"
        if not (done.is_file() and read_json(done).get("digest") == job["digest"]):
            return False
    return all((d / "scores" / f"{t['name']}.json").is_file()
               and read_json(d / "scores" / f"{t['name']}.json").get("digest") == job["score_digest"]
               for t in job["tests"])


def write_job(out: Path, job: dict[str, Any]) -> Path:
    from gameir.fileio import atomic_write_json

    d = job_dir(out, job)
    d.mkdir(parents=True, exist_ok=True)
    atomic_write_json(d / "job.json", job)
    return d


def _die_with_parent() -> None:
    """Child-side: get SIGKILL when the runner dies (Linux prctl PR_SET_PDEATHSIG), so a killed
    runner leaves no orphan training on a run directory; the next invocation resumes it."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def run_pool(out: Path, jobs: list[dict[str, Any]], workers: int, log=print) -> dict[str, Any]:
    """Run unfinished jobs as ``worker.py`` processes, ``workers`` at a time (niced).

    SIGINT/SIGTERM to this process are passed to the workers, which checkpoint and stop; the
    function then raises KeyboardInterrupt. Returns counts and seconds.
    """
    todo = [j for j in jobs if not job_finished(out, j)]
    reused = len(jobs) - len(todo)
    log(f"[jobs] {len(jobs)} jobs: {reused} finished (reused), {len(todo)} to run, {workers} at a time")
    running: list[tuple[subprocess.Popen, dict[str, Any], Any]] = []
    failed: list[str] = []
    stopping = {"signal": None}

    def forward(signum, _frame):
        stopping["signal"] = signum
        for proc, _, _ in running:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)

    old = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
    t0 = time.perf_counter()
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    try:
        queue = list(todo)
        while (queue and stopping["signal"] is None) or running:
            while queue and len(running) < max(1, workers) and stopping["signal"] is None:
                job = queue.pop(0)
                d = write_job(out, job)
                fh = open(d / "worker.log", "a")
                proc = subprocess.Popen(["nice", "-n", "5", sys.executable, str(WORKER), str(d)], stdout=fh,
                                        stderr=subprocess.STDOUT, env=env, start_new_session=True,
                                        preexec_fn=_die_with_parent)
                running.append((proc, job, fh))
                log(f"[jobs] start {job['name']}")
            time.sleep(0.2)
            for entry in list(running):
                proc, job, fh = entry
                if proc.poll() is not None:
                    running.remove(entry)
                    fh.close()
                    if proc.returncode == 0:
                        log(f"[jobs] done  {job['name']}")
                    elif stopping["signal"] is None:
                        failed.append(job["name"])
                        log(f"[jobs] FAILED {job['name']} (exit {proc.returncode}); see {job_dir(out, job) / 'worker.log'}")
    finally:
        for s, h in old.items():
            signal.signal(s, h)
    if stopping["signal"] is not None:
        raise KeyboardInterrupt(f"stopped by signal {stopping['signal']}; finished jobs and checkpoints are kept")
    if failed:
        raise RuntimeError(f"{len(failed)} job(s) failed: {', '.join(failed)}")
    return {"jobs": len(jobs), "reused": reused, "ran": len(todo), "seconds": time.perf_counter() - t0}
