"""`render_dataset`: plan -> partition -> resume check -> render clips in worker processes -> manifest.

Each worker process owns one GL context (a :class:`ClipRenderer`) for its lifetime. A finished
clip is an atomically renamed shard plus an entry (size, SHA-256) in this job's part file, which is
rewritten atomically after every clip; a run killed at any moment therefore loses only the clips in
flight, and re-running the same command renders exactly what is missing.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from gameir.fileio import sha256_file
from gameir.pipeline.plan import ClipSpec, partition, plan_clips, shard_index_from_env
from gameir.pipeline.presets import Preset
from gameir.pipeline.resources import Resources, choose_resources
from gameir.shards.background import DEFAULT_IN_FLIGHT
from gameir.shards.manifest import shard_entry
from gameir.shards.merge import merge_parts
from gameir.shards.parts import load_part, load_renders, new_part, part_path, save_part, unfinished_renders
from gameir.shards.validate import validate_shard

__all__ = ["RenderInterrupted", "RunSummary", "render_dataset", "resolve_sharding"]


@dataclass
class RunSummary:
    """What a run did: clips rendered and skipped, frames, bytes, wall time, the manifest if merged.

    ``unfinished`` names the other renders in the same root (cluster arrays, interrupted runs) that
    the manifest leaves out until they finish.
    """

    rendered: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    frames: int = 0
    bytes: int = 0
    seconds: float = 0.0
    part: str = ""
    manifest: dict[str, Any] | None = None
    unfinished: list[str] = field(default_factory=list)  # other renders in the root still missing jobs

    @property
    def frames_per_s(self) -> float:
        return self.frames / self.seconds if self.seconds else 0.0


class RenderInterrupted(KeyboardInterrupt):
    """A render stopped by Ctrl-C / SIGINT: finished clips are kept, the clips in flight are lost.

    Attributes:
        part: this job's part file, which lists the finished clips.
        done, total: clips finished and clips assigned to this job.
    """

    def __init__(self, part: Path, *, done: int, total: int) -> None:
        super().__init__(f"{done} of {total} clip(s) finished and kept ({part})")
        self.part, self.done, self.total = part, done, total


def resolve_sharding(num_shards: int | None, shard_index: int | None) -> tuple[int, int]:
    """Explicit ``--num-shards/--shard-index``, else SLURM / Kubernetes variables, else (1, 0)."""
    if (num_shards is None) != (shard_index is None):
        raise ValueError("give both --num-shards and --shard-index, or neither")
    if num_shards is not None:
        return int(num_shards), int(shard_index)
    return shard_index_from_env() or (1, 0)


def _finished(root: Path, spec: ClipSpec, entry: dict[str, Any] | None) -> dict[str, Any] | None:
    """The manifest entry of ``spec`` if its shard is complete on disk, else None."""
    shard = root / spec.relpath
    if not shard.exists():
        return None
    if entry is not None and entry["bytes"] == shard.stat().st_size and entry["sha256"] == sha256_file(shard):
        return entry
    # A shard renamed into place after the last part update: complete by construction, but check.
    if not validate_shard(shard, check_values=False):
        return shard_entry(root, shard)
    shard.unlink()
    return None


# -- worker processes -------------------------------------------------------------------------------
_WORKER: dict[str, Any] = {}


def _init_worker(preset: Preset, queue: Any, rasterizer_threads: int | None = None, child: bool = False,
                 in_flight: int = DEFAULT_IN_FLIGHT, devices: Any = None) -> None:
    import os
    import signal

    from gameir.pipeline.clip import ClipRenderer
    from gameir.render.context import DEVICE_ENV
    from gameir.threads import THREADS_ENV

    if child:  # Ctrl-C reaches the whole process group: the parent stops the pool, workers stay quiet
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    if rasterizer_threads:
        # Mesa's llvmpipe rasterises on every core by default, and the SSAA downsampling and chunk
        # compression use up to one thread per core; K workers would each start that many. Share the
        # cores instead (LP_NUM_THREADS is read when the GL context is created; GPU drivers ignore it).
        os.environ.setdefault("LP_NUM_THREADS", str(rasterizer_threads))
        os.environ.setdefault(THREADS_ENV, str(rasterizer_threads))
    if devices is not None:  # one EGL device per worker: the first free entry of the shared queue
        device = devices.get_nowait()
        if device is not None:
            os.environ[DEVICE_ENV] = str(device)

    _WORKER["renderer"] = ClipRenderer(preset)
    _WORKER["queue"] = queue
    _WORKER["in_flight"] = in_flight


def _work(args: tuple[ClipSpec, str]) -> dict[str, Any]:
    spec, root = args
    queue = _WORKER["queue"]
    _WORKER["renderer"].render_clip(spec, Path(root) / spec.relpath, on_frame=lambda: queue.put(1),
                                    in_flight=_WORKER.get("in_flight", DEFAULT_IN_FLIGHT))
    return shard_entry(root, Path(root) / spec.relpath)


def render_dataset(
    preset: Preset,
    out: str | Path,
    *,
    split: str | None = None,
    max_clips: int | None = None,
    workers: int | None = 1,
    num_shards: int | None = None,
    shard_index: int | None = None,
    quiet: bool = False,
    device: str | None = None,
    threads: int | None = None,
    in_flight: int = DEFAULT_IN_FLIGHT,
    resources: Resources | None = None,
) -> RunSummary:
    """Render (or resume) this job's share of ``preset`` into ``out``.

    Args:
        preset: a checked preset.
        out: dataset root.
        split: only this split; ``max_clips``: only the first N clips of each split (``--clips``).
        workers: worker processes, each with its own GL context; None: chosen from the cores and
            the EGL devices (:func:`gameir.pipeline.resources.choose_resources`).
        num_shards, shard_index: this job's partition (default from SLURM/Kubernetes, else 1/0).
        quiet: no progress bar.
        device: ``"auto"``/None (workers spread over the visible EGL devices) or ``"egl:N"``.
        threads: CPU threads per worker (``GAMEIR_THREADS``); None: cores / workers.
        in_flight: frames a worker's writer thread may hold while the next renders (0 = sequential;
            the shard bytes are the same either way).
        resources: an already chosen :class:`Resources` (overrides workers, device and threads).

    Returns:
        A :class:`RunSummary`. With one job (``num_shards == 1``) the finished renders in ``out``
        are merged into ``out/manifest.json`` at the end; with more, run ``gameir manifest merge
        out`` after all jobs.

    Raises:
        RenderInterrupted: Ctrl-C / SIGINT; the finished clips are kept and re-running resumes.
    """
    if resources is None:
        resources = choose_resources(workers, device, threads=threads)
    workers = resources.workers
    if isinstance(in_flight, bool) or int(in_flight) != in_flight or in_flight < 0:
        raise ValueError(f"--in-flight must be an integer >= 0 (0 = sequential), got {in_flight!r}")
    root = Path(out)
    if root.exists() and not root.is_dir():
        raise ValueError(f"--out {root} is a file; give a folder (a new one, or a dataset root to resume)")
    root.mkdir(parents=True, exist_ok=True)
    n, index = resolve_sharding(num_shards, shard_index)
    clips = plan_clips(preset, split, max_clips)
    if not clips:
        raise ValueError(f"preset {preset.name!r} plans no clips for split={split!r}, clips={max_clips!r}")
    mine = partition(clips, n, index)
    plan = {"preset": preset.name, "digest": preset.digest(), "split": split, "max_clips": max_clips,
            "num_clips": len(clips), "kind": preset.kind}
    for named in load_renders(root, allow_empty=True).values():  # refuse before rendering, not at the merge
        name, other = named[0][0], named[0][1]["plan"]
        if (other.get("preset"), other.get("digest")) != (plan["preset"], plan["digest"]):
            raise ValueError(f"{root}: holds a render of {other.get('preset')} with plan digest {other.get('digest')} "
                             f"({name}); this one ({preset.name}, plan digest {plan['digest']}) would mix two plans in "
                             "one dataset root: render it into another --out")
    ppath = part_path(root, n, index, split=split, max_clips=max_clips)
    legacy = part_path(root, n, index)  # before 0.2, a selection's part had the plain name
    if ppath != legacy and not ppath.exists() and legacy.exists() and load_part(legacy)["plan"] == plan:
        os.replace(legacy, ppath)
    part = load_part(ppath) if ppath.exists() else None
    if part is not None and part["plan"] != plan:
        raise ValueError(f"{ppath}: belongs to another render ({part['plan']['preset']} with plan digest "
                         f"{part['plan']['digest']}, {part['plan']['num_clips']} clips) than this one ({preset.name} "
                         f"with plan digest {plan['digest']}, {plan['num_clips']} clips): a dataset root holds one "
                         "preset with one set of overrides; render this one into another --out")
    known = {e["clip_id"]: e for e in (part or {}).get("shards", [])}
    part = new_part(plan, n, index, [c.clip_id for c in mine])
    summary = RunSummary(part=str(ppath))
    todo = []
    for spec in mine:
        entry = _finished(root, spec, known.get(spec.clip_id))
        if entry is None:
            todo.append(spec)
        else:
            part["shards"].append(entry)
            summary.skipped.append(spec.clip_id)
    save_part(root, part)
    frames_per_clip = preset.section("clips")["frames"]
    start = time.perf_counter()
    bar = tqdm(total=len(todo) * frames_per_clip, unit="frame", disable=quiet or not todo, dynamic_ncols=True,
               desc=f"{preset.name} job {index}/{n}: {len(todo)} clip(s)")
    pool = manager = saved_env = None
    try:
        ctx = mp.get_context("spawn")
        if workers > 1:
            manager = ctx.Manager()
        queue = manager.Queue() if manager is not None else _LocalQueue(bar)
        if workers == 1:
            saved_env = _set_env_for_process(resources)
            _init_worker(preset, queue, in_flight=in_flight)
            results = (_work((spec, str(root))) for spec in todo)
        else:
            procs = min(workers, len(todo)) or 1
            devices = manager.Queue()
            for d in resources.devices[:procs]:
                devices.put(d)
            pool = ctx.Pool(procs, initializer=_init_worker,
                            initargs=(preset, queue, resources.threads, True, in_flight, devices))
            results = pool.imap_unordered(_work, [(spec, str(root)) for spec in todo])
        ticker = _Ticker(queue, bar) if workers > 1 else None
        for entry in results:
            part["shards"].append(entry)
            part["shards"].sort(key=lambda e: e["path"])
            save_part(root, part)
            summary.rendered.append(entry["clip_id"])
            summary.frames += entry["frames"] * max(1, entry["views"])
            summary.bytes += entry["bytes"]
        if pool is not None:
            pool.close()
            pool.join()
            pool = None
            ticker.stop()
    except KeyboardInterrupt:
        raise RenderInterrupted(ppath, done=len(part["shards"]), total=len(mine)) from None
    finally:
        if pool is not None:  # after an error too: no worker or manager process outlives the call
            pool.terminate()
            pool.join()
        if manager is not None:
            manager.shutdown()
        bar.close()
        if workers == 1 and "renderer" in _WORKER:
            _WORKER.pop("renderer").release()
        if workers == 1 and saved_env is not None:
            _restore_env(saved_env)
    summary.seconds = time.perf_counter() - start
    if n == 1:
        summary.manifest = merge_parts(root, require_complete=False)
        summary.unfinished = unfinished_renders(root)
    return summary


def _set_env_for_process(resources: Resources) -> dict[str, str | None]:
    """Set this process's thread counts and EGL device for an in-process render; the old values."""
    from gameir.render.context import DEVICE_ENV
    from gameir.threads import THREADS_ENV

    saved = {k: os.environ.get(k) for k in (THREADS_ENV, "LP_NUM_THREADS", DEVICE_ENV)}
    os.environ.setdefault(THREADS_ENV, str(resources.threads))
    os.environ.setdefault("LP_NUM_THREADS", str(resources.threads))
    if resources.devices and resources.devices[0] is not None:
        os.environ[DEVICE_ENV] = str(resources.devices[0])
    return saved


def _restore_env(saved: dict[str, str | None]) -> None:
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


class _LocalQueue:
    """In-process stand-in for the progress queue: ticks the bar directly."""

    def __init__(self, bar: tqdm) -> None:
        self.bar = bar

    def put(self, n: int) -> None:
        self.bar.update(n)


class _Ticker:
    """Moves frame ticks from worker processes' queue to the progress bar on a background thread."""

    def __init__(self, queue: Any, bar: tqdm) -> None:
        import threading

        self.queue, self.bar = queue, bar
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import queue as queue_mod

        while not self._stop.is_set() or not self.queue.empty():
            try:
                self.bar.update(self.queue.get(timeout=0.2))
            except queue_mod.Empty:
                continue
            except (EOFError, OSError):  # manager gone at shutdown
                return

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
