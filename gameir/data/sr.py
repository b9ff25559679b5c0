"""`SRDataset`: aligned LR/HR frames or crops, G-buffers, cameras and video windows for SR training."""

from __future__ import annotations

import os
from typing import Any, Sequence

import numpy as np
import torch
from torch.utils.data import Dataset

from gameir.buffers import BUFFER_NAMES
from gameir.data.augment import augment_camera, augment_tensor
from gameir.data.normalize import DEPTH_MODES, NORMAL_SPACES, aux_channel_names, to_tensor
from gameir.data.sources import EpochSeed, Root, clip_metadata, fetch_split, open_source, select_clips
from gameir.formats.source import DEFAULT_MAX_OPEN, DataSource

__all__ = ["SRDataset", "GBUFFER_RES"]

GBUFFER_RES = ("lr", "hr")
_GBUFFERS = tuple(b for b in BUFFER_NAMES if b != "rgb")


class SRDataset(Dataset):
    """LR/HR pairs (crops or full frames) with G-buffers, for super-resolution training and evaluation.

    One item is one frame (or a window of ``frames`` consecutive frames ending at it) of one clip.
    The index is a flat list of ``(clip, frame)`` built from the manifest's frame counts, without
    opening a shard. Files are opened lazily in the process that reads (a bounded LRU per process),
    so the dataset works in ``DataLoader`` workers under fork and spawn, with
    ``persistent_workers`` and with ``DistributedSampler``.

    Crops follow BasicSR: the LR corner ``(r, c)`` is drawn uniformly, the HR crop starts at
    ``(scale*r, scale*c)``; LR pixel (i, j) covers HR pixels ``scale*i .. scale*i+scale-1``.
    Randomness (crop corner, augmentation) comes from ``(seed, epoch, index)`` only: the same
    seed and epoch give the same samples whatever the number of workers; call :meth:`set_epoch`
    each epoch. Normalisations: :mod:`gameir.data.normalize`; augmentation: :mod:`gameir.data.augment`.

    Args:
        root: dataset root with ``manifest.json``, a shard or list of shards, or release tars /
            folders (see :func:`gameir.data.sources.open_source`); ``None`` when ``source`` is an object.
        split: split to read (``None``: every clip).
        scale: expected HR/LR scale; ``None`` accepts the data's (which must be one integer).
        lr_patch: LR crop size, ``int`` or ``(h, w)``; ``None`` for full frames.
        gbuffers: extra buffers to return (``depth``, ``normal``, ``basecolor``, ``material``,
            ``semantic``, ``instance``, ``motion``, ``hdr``), in the order they enter the aux tensor.
        gbuffer_res: resolution of the G-buffers, ``"lr"`` or ``"hr"``.
        frames: window length N; item ``t`` holds frames ``t-N+1 .. t`` of one clip, never crossing clips.
        augment: random h-flip, v-flip and transpose, identical on every tensor of the item.
        seed: base seed of crops and augmentation (``None``: drawn once from OS entropy).
        dtype: floating dtype of the float tensors.
        source: ``"auto"``, ``"shards"``, ``"release"`` or a DataSource object.
        depth_mode: ``"inverse"`` (1/m, sky 0; default) or ``"metres"`` (sky +inf).
        normal_space: ``"camera"`` (default; required with ``augment``) or ``"world"``.
        semantic_onehot: semantic as (29, h, w) one-hot instead of (1, h, w) int64 ids.
        max_open: bound on open files per process.
        download: first fetch ``split`` from ``url`` into ``root`` with :func:`gameir.download`
            (resumable, verified; what is already there and verified is skipped).
        url: dataset base URL or path (``https://``, ``file://``, a folder), for ``download``.

    Item (``frames == 1``; with ``frames = N`` every per-frame entry gains a leading N axis):
        ``lr`` (3, h, w) and ``hr`` (3, s*h, s*w) float rgb in [0, 1]; one entry per G-buffer,
        at ``gbuffer_res``; ``lr_aux`` (or ``hr_aux`` when ``gbuffer_res == "hr"``): the float
        G-buffers concatenated in ``gbuffers`` order (semantic one-hot, instance omitted; channel
        names in :attr:`aux_channels`); with ``frames > 1`` also ``motion`` if the data has it
        and ``frames`` (N,) the window's frame indices;
        ``K`` (3, 3) LR-crop and ``K_hr`` (3, 3) HR-crop intrinsics and ``c2w`` (4, 4), float64,
        of the augmented crop (absent if the source has no cameras); ``crop`` (2,) LR corner
        (row, col); ``aug`` (3,) (hflip, vflip, transpose); ``clip_id``, ``frame`` (last frame of
        the window, its position in the clip), ``frame_id`` (that frame's own number: a shard's
        ``frame_index``, the release's 8-digit frame number), ``scene_family``, ``weather``, ``split`` and ``index``.

    Raises:
        ValueError: unknown or empty split, a buffer the data lacks, a scale that does not match,
            a patch larger than a frame, clips shorter than the window; the message lists what
            is available.
    """

    def __init__(
        self,
        root: Root | None = None,
        split: str | None = None,
        *,
        scale: int | None = None,
        lr_patch: int | tuple[int, int] | None = None,
        gbuffers: Sequence[str] = (),
        gbuffer_res: str = "lr",
        frames: int = 1,
        augment: bool = False,
        seed: int | None = None,
        dtype: torch.dtype = torch.float32,
        source: str | DataSource = "auto",
        depth_mode: str = "inverse",
        normal_space: str = "camera",
        semantic_onehot: bool = False,
        max_open: int = DEFAULT_MAX_OPEN,
        download: bool = False,
        url: str | os.PathLike | None = None,
    ) -> None:
        if gbuffer_res not in GBUFFER_RES:
            raise ValueError(f"gbuffer_res must be one of {', '.join(GBUFFER_RES)}, got {gbuffer_res!r}")
        if depth_mode not in DEPTH_MODES:
            raise ValueError(f"depth_mode must be one of {', '.join(DEPTH_MODES)}, got {depth_mode!r}")
        if normal_space not in NORMAL_SPACES:
            raise ValueError(f"normal_space must be one of {', '.join(NORMAL_SPACES)}, got {normal_space!r}")
        if augment and normal_space == "world" and "normal" in gbuffers:
            raise ValueError("augment=True mirrors the image, which world-space normals cannot follow; "
                             "use normal_space='camera'")
        if int(frames) < 1:
            raise ValueError(f"frames must be >= 1, got {frames}")
        if seed is not None and int(seed) < 0:
            raise ValueError(f"seed must be >= 0, got {seed}")
        if not dtype.is_floating_point:
            raise ValueError(f"dtype must be a floating dtype, got {dtype}")
        self.gbuffers = tuple(gbuffers)
        for name in self.gbuffers:
            if name not in _GBUFFERS:
                raise ValueError(f"unknown G-buffer {name!r}; choose from {', '.join(_GBUFFERS)}")
        if len(set(self.gbuffers)) != len(self.gbuffers):
            raise ValueError(f"gbuffers has duplicates: {list(self.gbuffers)}")
        if download:
            fetch_split(root, split, url)
        self.source, self.split = open_source(root, split, source, max_open=max_open)
        self.clip_indices = select_clips(self.source, self.split, "sr")
        self.gbuffer_res = gbuffer_res
        self.frames = int(frames)
        self.augment = bool(augment)
        self.dtype = dtype
        self.depth_mode = depth_mode
        self.normal_space = normal_space
        self.semantic_onehot = bool(semantic_onehot)
        self.scale = self._check_scale(scale)
        self.lr_patch = self._check_patch(lr_patch)
        self._check_buffers()
        self.with_motion = self.frames > 1 and all("motion" in self.source.clips[c].buffers for c in self.clip_indices)
        self.aux_channels = aux_channel_names(self.gbuffers)
        index = [(c, t) for c in self.clip_indices for t in range(self.frames - 1, self.source.clips[c].num_frames)]
        if not index:
            longest = max(self.source.clips[c].num_frames for c in self.clip_indices)
            raise ValueError(f"no window of {self.frames} frames fits in split {self.split!r}: its longest clip has {longest}")
        self._index = np.asarray(index, dtype=np.int64)
        self._seed = EpochSeed(seed)

    # -- checks ---------------------------------------------------------------------------------
    def _check_scale(self, scale: int | None) -> int:
        scales = {}
        for c in self.clip_indices:
            info = self.source.clips[c]
            missing = [lv for lv in ("lr", "hr") if lv not in info.shapes_hw]
            if missing:
                raise ValueError(f"{info.location}: clip {info.clip_id} has no level {missing[0]!r}; "
                                 f"levels: {', '.join(info.shapes_hw)}")
            (h, w), (H, W) = info.shapes_hw["lr"], info.shapes_hw["hr"]
            if H % h or W % w or H // h != W // w:
                raise ValueError(f"{info.location}: clip {info.clip_id} has lr {h}x{w} and hr {H}x{W}, "
                                 "not one integer scale")
            scales.setdefault(H // h, info)
        if len(scales) > 1:
            found = ", ".join(f"x{s} (clip {i.clip_id})" for s, i in scales.items())
            raise ValueError(f"split {self.split!r} mixes scales: {found}; give one scale per dataset")
        (found, info), = scales.items()
        if scale is not None and int(scale) != found:
            h, w = info.shapes_hw["lr"]
            H, W = info.shapes_hw["hr"]
            raise ValueError(f"scale {scale} requested but the data is x{found} "
                             f"(clip {info.clip_id}: lr {h}x{w}, hr {H}x{W})")
        return found

    def _check_patch(self, lr_patch: int | tuple[int, int] | None) -> tuple[int, int] | None:
        if lr_patch is None:
            return None
        ph, pw = (lr_patch, lr_patch) if isinstance(lr_patch, int) else (int(lr_patch[0]), int(lr_patch[1]))
        if ph < 1 or pw < 1:
            raise ValueError(f"lr_patch must be >= 1 pixel, got {lr_patch}")
        for c in self.clip_indices:
            info = self.source.clips[c]
            h, w = info.shapes_hw["lr"]
            if ph > h or pw > w:
                raise ValueError(f"lr_patch {ph}x{pw} is larger than the LR frame {h}x{w} of clip {info.clip_id} "
                                 f"({info.location}); the largest patch is {h}x{w}")
        return ph, pw

    def _check_buffers(self) -> None:
        for c in self.clip_indices:
            info = self.source.clips[c]
            for name in ("rgb",) + self.gbuffers:
                if name not in info.buffers:
                    raise ValueError(f"buffer {name!r} is not in clip {info.clip_id} ({info.location}); "
                                     f"available: {', '.join(info.buffers)}")

    # -- dataset protocol -----------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._index)

    def set_epoch(self, epoch: int) -> None:
        """Choose the epoch that, with the seed, decides every crop and augmentation (reaches workers)."""
        self._seed.set_epoch(epoch)

    @property
    def seed(self) -> int:
        return self._seed.seed

    @property
    def epoch(self) -> int:
        return self._seed.epoch

    def locate(self, index: int) -> tuple[int, int]:
        """``(clip index into source.clips, frame)`` of item ``index`` (last frame of its window)."""
        if not -len(self) <= index < len(self):
            raise IndexError(f"index {index} out of range for {len(self)} items")
        clip, frame = self._index[index]
        return int(clip), int(frame)

    def __getitem__(self, index: int) -> dict[str, Any]:
        clip, last = self.locate(index)
        index = index % len(self)
        info = self.source.clips[clip]
        h, w = info.shapes_hw["lr"]
        rng = self._seed.rng(index)
        if self.lr_patch is None:
            r0, c0, ph, pw = 0, 0, h, w
        else:
            ph, pw = self.lr_patch
            r0, c0 = int(rng.integers(0, h - ph + 1)), int(rng.integers(0, w - pw + 1))
        flags = tuple(bool(b) for b in rng.random(3) < 0.5) if self.augment else (False, False, False)
        steps = [self._frame(clip, f, (r0, c0, ph, pw), flags) for f in range(last - self.frames + 1, last + 1)]
        item: dict[str, Any] = {}
        for key in steps[0]:
            item[key] = steps[0][key] if self.frames == 1 else torch.stack([st[key] for st in steps])
        item["crop"] = torch.tensor([r0, c0], dtype=torch.int64)
        item["aug"] = torch.tensor(flags, dtype=torch.bool)
        item.update(clip_metadata(info), frame=last, frame_id=self.source.frame_id(clip, last), index=index)
        if self.frames > 1:
            item["frames"] = torch.arange(last - self.frames + 1, last + 1)
        return item

    def _frame(self, clip: int, frame: int, window: tuple[int, int, int, int], flags: tuple[bool, bool, bool]) -> dict[str, torch.Tensor]:
        r0, c0, ph, pw = window
        s = self.scale
        src = self.source
        lr_rows, lr_cols = (r0, r0 + ph), (c0, c0 + pw)
        hr_rows, hr_cols = (s * r0, s * (r0 + ph)), (s * c0, s * (c0 + pw))
        cam_lr = src.camera(clip, "lr", frame)
        cam_hr = src.camera(clip, "hr", frame) if cam_lr is not None else None
        out: dict[str, torch.Tensor] = {
            "lr": to_tensor("rgb", src.read(clip, "rgb", "lr", frame, rows=lr_rows, cols=lr_cols), dtype=self.dtype),
            "hr": to_tensor("rgb", src.read(clip, "rgb", "hr", frame, rows=hr_rows, cols=hr_cols), dtype=self.dtype),
        }
        g_level = self.gbuffer_res
        g_rows, g_cols = (lr_rows, lr_cols) if g_level == "lr" else (hr_rows, hr_cols)
        names = list(self.gbuffers)
        if self.with_motion and "motion" not in names:
            names.append("motion")
        c2w = None if cam_lr is None else cam_lr["c2w"]
        for name in names:
            array = src.read(clip, name, g_level, frame, rows=g_rows, cols=g_cols)
            out[name] = to_tensor(name, array, dtype=self.dtype, depth_mode=self.depth_mode,
                                  normal_space=self.normal_space, c2w=c2w,
                                  motion_scale=1.0 / s if g_level == "hr" else 1.0,
                                  semantic_onehot=self.semantic_onehot)
        for key in list(out):
            out[key] = augment_tensor(key, out[key], flags)
        if self.gbuffers:
            parts = []
            for name in self.gbuffers:
                t = out[name]
                if name == "instance":
                    continue
                if name == "semantic" and not self.semantic_onehot:
                    t = to_tensor("semantic", t[0].numpy(), dtype=self.dtype, semantic_onehot=True)
                parts.append(t.to(self.dtype))
            out[f"{g_level}_aux"] = torch.cat(parts) if parts else torch.zeros((0,) + out["lr" if g_level == "lr" else "hr"].shape[1:], dtype=self.dtype)
        if cam_lr is not None:
            K_lr = _crop_K(cam_lr["K"], r0, c0)
            K_hr = _crop_K(cam_hr["K"], s * r0, s * c0)
            K_lr, c2w_aug = augment_camera(K_lr, cam_lr["c2w"], (ph, pw), flags)
            K_hr, _ = augment_camera(K_hr, cam_hr["c2w"], (s * ph, s * pw), flags)
            out["K"] = torch.from_numpy(K_lr)
            out["K_hr"] = torch.from_numpy(K_hr)
            out["c2w"] = torch.from_numpy(c2w_aug)
        return out

    def close(self) -> None:
        """Close the files this process holds open (they reopen on next use)."""
        self.source.close()

    def __repr__(self) -> str:
        patch = "full frames" if self.lr_patch is None else f"lr_patch={self.lr_patch[0]}x{self.lr_patch[1]}"
        return (f"SRDataset(split={self.split!r}, {len(self)} items from {len(self.clip_indices)} clips, x{self.scale}, "
                f"{patch}, gbuffers={list(self.gbuffers)} at {self.gbuffer_res}, frames={self.frames}, "
                f"augment={self.augment}, seed={self.seed}, source={self.source!r})")


def _crop_K(K: np.ndarray, r0: int, c0: int) -> np.ndarray:
    """Intrinsics of the window starting at pixel row ``r0``, column ``c0`` (principal point shifts)."""
    K = np.asarray(K, np.float64).copy()
    K[0, 2] -= c0
    K[1, 2] -= r0
    return K

