"""The declared matrix (loaders/matrix.toml) read into data sets, runs and test sets.

A *data set* is one domain at one scale, rendered natively (``DataSpec``: the training/val/test
slice, and the held-out-weather test set beside it). A *run* is one training (``RunSpec``: track,
domain, scale, arch, train source, seed). A *test set* is what a run is scored on (``TestSpec``:
the native LR of a domain, its held-out weather, or that domain's test HR degraded).
"""

from __future__ import annotations

import copy
import hashlib
import json
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

TRACK_TESTS = ("all", "own")
DEGRADED = ("bicubic", "realistic")


@dataclass(frozen=True)
class DataSpec:
    """One rendered data set: ``domain`` at ``scale``; ``heldout`` = the held-out-weather test set."""

    domain: str
    preset: str
    scale: int
    heldout: bool

    @property
    def name(self) -> str:
        return f"{self.domain}-x{self.scale}" + ("-heldout" if self.heldout else "")


@dataclass(frozen=True)
class TestSpec:
    """LR input ``source`` (native or a degradation of the HR) of ``domain``'s test clips at ``scale``."""

    domain: str
    scale: int
    source: str
    heldout: bool = False

    @property
    def name(self) -> str:
        return f"{self.domain}-x{self.scale}-{self.source}" + ("-heldout" if self.heldout else "")


@dataclass(frozen=True)
class RunSpec:
    """One training run and the options it trains with."""

    track: str
    domain: str
    scale: int
    arch: str
    source: str
    seed: int
    model: str = "compact"
    gbuffers: tuple[str, ...] = ()
    gbuffer_res: str = "lr"
    frames: int = 3
    n_feats: int = 32
    n_blocks: int = 5
    tests: tuple[TestSpec, ...] = field(default=(), compare=False)

    @property
    def arm(self) -> str:
        """The arm (a run without its seed): what the report averages seeds over."""
        return f"{self.track}/{self.domain}/x{self.scale}/{self.arch}/{self.source}"

    @property
    def name(self) -> str:
        return f"{self.track}-{self.domain}-x{self.scale}-{self.arch}-{self.source}-s{self.seed}"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["tests"] = [t.name for t in self.tests]
        return d


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else copy.deepcopy(v)
    return out


def load_matrix(path: str | Path, budget: str | None = None) -> dict[str, Any]:
    """Read the matrix TOML, apply ``[budget.NAME]`` over it, and check it (errors name the key)."""
    path = Path(path)
    raw = tomllib.loads(path.read_text())
    budgets = raw.pop("budget", {})
    if budget is not None:
        if budget not in budgets:
            raise ValueError(f"{path}: no [budget.{budget}]; budgets: {', '.join(budgets) or 'none'}")
        raw = _merge(raw, budgets[budget])
    for section in ("matrix", "domains", "data", "sources", "train", "archs", "eval", "tracks"):
        if section not in raw:
            raise ValueError(f"{path}: missing section [{section}]")
    if len(raw["matrix"]["seeds"]) < 1:
        raise ValueError(f"{path}: matrix.seeds is empty")
    for name, t in raw["tracks"].items():
        if t.get("test", "own") not in TRACK_TESTS:
            raise ValueError(f"{path}: tracks.{name}.test must be one of {', '.join(TRACK_TESTS)}, got {t.get('test')!r}")
        for arch in t["archs"]:
            if arch not in raw["archs"]:
                raise ValueError(f"{path}: tracks.{name} uses arch {arch!r} with no [archs.{arch}]")
        for src in t["train_sources"]:
            if src not in raw["sources"]["train"]:
                raise ValueError(f"{path}: tracks.{name} trains on {src!r}, not in sources.train")
    raw["_path"], raw["_budget"] = str(path), budget
    return raw


def data_specs(m: dict[str, Any]) -> list[DataSpec]:
    """Every data set the matrix needs: each domain at each scale, plus its held-out-weather test set."""
    return [DataSpec(d, body["preset"], int(s), held) for d, body in m["domains"].items()
            for s in m["matrix"]["scales"] for held in (False, True)]


def test_specs(m: dict[str, Any], domain: str, scale: int, which: str) -> tuple[TestSpec, ...]:
    """Test sets of a run of ``domain`` at ``scale``: every domain's (``all``) or its own (``own``)."""
    domains = list(m["domains"]) if which == "all" else [domain]
    out: list[TestSpec] = []
    for d in domains:
        out.append(TestSpec(d, scale, "native"))
        out.append(TestSpec(d, scale, "native", heldout=True))
        if which == "all":
            out += [TestSpec(d, scale, src) for src in m["sources"]["test"] if src != "native"]
    return tuple(out)


def run_specs(m: dict[str, Any]) -> list[RunSpec]:
    """Every training run, in a fixed order (track, scale, domain, arch, source, seed)."""
    runs = []
    for track, t in m["tracks"].items():
        for scale in m["matrix"]["scales"]:
            for domain in m["domains"]:
                tests = test_specs(m, domain, int(scale), t.get("test", "own"))
                for arch in t["archs"]:
                    a = m["archs"][arch]
                    for src in t["train_sources"]:
                        for seed in m["matrix"]["seeds"]:
                            runs.append(RunSpec(track, domain, int(scale), arch, src, int(seed),
                                                model=t.get("model", "compact"), gbuffers=tuple(t.get("gbuffers", ())),
                                                gbuffer_res=t.get("gbuffer_res", "lr"), frames=int(t.get("frames", 3)),
                                                n_feats=int(a["n_feats"]), n_blocks=int(a["n_blocks"]), tests=tests))
    return runs


def run_options(m: dict[str, Any], run: RunSpec, data_root: str, out: str, device: str) -> dict[str, Any]:
    """The :class:`gameir.training.TrainConfig` keyword arguments of ``run`` (the model reads ``arch``)."""
    t = m["train"]
    return {"data": data_root, "out": out, "gbuffers": list(run.gbuffers), "gbuffer_res": run.gbuffer_res,
            "lr_source": run.source, "steps": int(t["max_steps"]), "batch_size": int(t["batch_size"]),
            "lr_patch": int(t["patch"]), "learning_rate": float(t["lr"]), "seed": run.seed, "model": run.model,
            "arch": run.arch if run.model == "compact" else "compact", "n_feats": run.n_feats,
            "n_blocks": run.n_blocks, "frames": run.frames, "val_every": int(t["val_every"]),
            "val_frames": int(t["val_frames"]), "ckpt_every": int(t["val_every"]), "threads": int(t["threads"]),
            "device": device, "quiet": True}


def run_digest(options: dict[str, Any]) -> str:
    """Digest of the options that decide a run's result (not where it lives or runs)."""
    keep = {k: v for k, v in options.items() if k not in ("out", "device", "quiet", "threads", "data")}
    return hashlib.sha256(json.dumps(keep, sort_keys=True).encode()).hexdigest()[:16]
