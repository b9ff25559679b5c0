"""Options of one SR training run (:class:`TrainConfig`) and their checks; docs/TRAINING.md describes each."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Optional

from gameir.models.standard import ARCHS
from gameir.training.degrade import LR_SOURCES

__all__ = ["TrainConfig", "DEVICES", "RESUMABLE_CHANGES"]

#: ``--device`` values of the trainer (:func:`gameir.evaluation.device.resolve_device` turns them into devices).
DEVICES = ("auto", "cpu", "cuda")
#: Fields that may differ between a run and its resumption (they do not change the optimisation).
RESUMABLE_CHANGES = {"steps", "val_every", "val_frames", "ckpt_every", "log_every", "device", "prefetch",
                     "quiet", "seconds", "threads"}


@dataclass
class TrainConfig:
    """Options of one training run (the flags of ``loaders/train_sr.py``; docs/TRAINING.md).

    Attributes:
        data: dataset root (manifest) readable by :class:`gameir.data.SRDataset`.
        out: run directory.
        gbuffers: G-buffers fed to the model after RGB, in this order (lr_aux order).
        gbuffer_res: ``"lr"`` (the LR G-buffers) or ``"hr"`` (the HR G-buffers, folded to LR by a
            pixel unshuffle: s^2 channels per G-buffer channel; :func:`gameir.training.batches.hr_aux_at_lr`).
        lr_source: ``native``, ``bicubic`` or ``bilinear-aa`` (:mod:`gameir.training.degrade`).
        steps: optimisation steps (the cosine schedule spans them).
        batch_size: crops per step.
        lr_patch: LR crop side in pixels (HR crop = scale x).
        learning_rate: AdamW peak learning rate; betas (0.9, 0.99).
        weight_decay: AdamW decoupled weight decay.
        warmup_steps: linear warm-up steps before the cosine decay (None: min(100, steps // 20)).
        min_lr_ratio: final learning rate / peak.
        seed: seed of model init, item choice, crops and augmentation.
        model: ``compact`` or ``temporal``; n_feats / n_blocks: width and depth.
        arch: network for ``model="compact"``: ``compact`` (:class:`~gameir.models.CompactSR`) or a
            spandrel architecture of :data:`gameir.models.standard.ARCHS` (``rrdb-small``,
            ``rcan-small``, ``swinir-light``).
        pretrained: RGB checkpoint (.pth / .safetensors, same architecture and scale) to start a
            spandrel architecture from; G-buffer channels are added with zero weights.
        frames: window length for the temporal model (ignored by ``compact``).
        val_every: validate every N steps (and at the end); 0 = only at the end.
        val_frames: full val frames scored per validation (spread over the val clips).
        ckpt_every: write checkpoint.pt every N steps (and at the end).
        log_every: log the mean loss every N steps.
        device: ``auto`` (CUDA if available), ``cpu`` or ``cuda``.
        amp: float16 autocast + GradScaler when on CUDA (never on CPU; never for ``rcan-small`` and
            ``swinir-light``, which spandrel marks as not supporting float16).
        augment: random flips/transposes of training crops.
        train_split, val_split: split names.
        prefetch: batches read ahead by the loader thread.
        threads: torch intra-op threads for this process (None: torch's default). On a busy
            2-core machine 1 thread (plus the loader thread) is several times faster than 2.
        seconds: if set, a time budget: the step count is re-estimated after 3 steps so the run
            lasts about this long (used by ``train_quick``; not for reproducible runs).
        quiet: no progress bar.
    """

    data: str
    out: str
    gbuffers: tuple[str, ...] = ()
    gbuffer_res: str = "lr"
    lr_source: str = "native"
    steps: int = 1000
    batch_size: int = 16
    lr_patch: int = 48
    learning_rate: float = 1e-3
    weight_decay: float = 1e-4
    warmup_steps: Optional[int] = None
    min_lr_ratio: float = 0.01
    seed: int = 0
    model: str = "compact"
    arch: str = "compact"
    pretrained: Optional[str] = None
    n_feats: int = 32
    n_blocks: int = 5
    frames: int = 3
    val_every: int = 200
    val_frames: int = 8
    ckpt_every: int = 200
    log_every: int = 10
    device: str = "auto"
    amp: bool = True
    augment: bool = True
    train_split: str = "train"
    val_split: str = "val"
    prefetch: int = 2
    threads: Optional[int] = None
    seconds: Optional[float] = None
    quiet: bool = False

    def __post_init__(self) -> None:
        self.gbuffers = tuple(self.gbuffers)
        self.data, self.out = str(self.data), str(self.out)
        if self.lr_source not in LR_SOURCES:
            raise ValueError(f"lr_source must be one of {', '.join(LR_SOURCES)}, got {self.lr_source!r}")
        if self.gbuffer_res not in ("lr", "hr"):
            raise ValueError(f"gbuffer_res must be 'lr' or 'hr', got {self.gbuffer_res!r}")
        if self.gbuffer_res == "hr" and self.model == "temporal":
            raise ValueError("gbuffer_res='hr' is for single-frame models; the temporal model reads LR G-buffers")
        if self.device not in DEVICES:
            raise ValueError(f"device must be one of {', '.join(DEVICES)}, got {self.device!r}")
        if self.arch not in ARCHS:
            raise ValueError(f"unknown --arch {self.arch!r}; choose from {', '.join(ARCHS)}")
        if self.arch != "compact" and self.model != "compact":
            raise ValueError(f"--arch {self.arch} is a single-frame network; it needs --model compact, "
                             f"got {self.model!r}")
        if self.pretrained is not None and self.arch == "compact":
            raise ValueError("--pretrained needs a standard --arch (edsr-baseline, rrdb-small, rcan-small, swinir-light), "
                             "not compact")
        if "motion" in self.gbuffers and self.model == "temporal":
            raise ValueError("the temporal model takes motion separately; drop 'motion' from gbuffers")
        for name in ("steps", "batch_size", "lr_patch", "frames"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["gbuffers"] = list(self.gbuffers)
        return d
