"""Render one planned clip (world -> camera path -> native LR and HR frames) into one shard."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from gameir.pipeline.plan import ClipSpec
from gameir.pipeline.presets import Preset, post_chain_for
from gameir.render import PairRenderer, Renderer
from gameir.render.pair import auto_lod_bias
from gameir.scene.camera import halton_jitter
from gameir.shards.format import Codec
from gameir.shards.background import DEFAULT_IN_FLIGHT
from gameir.shards.writer import ShardWriter
from gameir.shards.writer_process import ProcessShard, WriterProcess
from gameir.worlds.build import build_world
from gameir.worlds.cameras import make_path, rig_around

__all__ = ["ClipRenderer", "lod_bias_for", "path_kind_for"]

#: Camera path per family for ``clips.camera = "auto"``: a dash camera where there are roads (the
#: release's capture style), a pedestrian walk elsewhere.
AUTO_PATH = {"town": "vehicle", "nature": "walk", "interior": "walk"}


def path_kind_for(camera: str, family: str) -> str:
    """The camera path kind a clip uses: ``camera`` itself, or the family's default for ``"auto"``."""
    return AUTO_PATH[family] if camera == "auto" else camera


def lod_bias_for(preset: Preset) -> float:
    """LR texture LOD bias: ``render.lod_bias``, or :func:`gameir.render.pair.auto_lod_bias` when ``"auto"``."""
    bias = preset.section("render")["lod_bias"]
    return auto_lod_bias(preset.section("render")["scale"]) if bias == "auto" else float(bias)


class ClipRenderer:
    """Renders the clips of one preset; owns one GL context (LR and HR renderers share it).

    SR presets: level ``lr`` (``render.lr``, ``render.aa_lr``, jitter and LOD bias when set) and
    level ``hr`` (``scale`` times larger, ``render.aa_hr``, unjittered: the clean target, unless
    ``aa_hr = "taa"``, which jitters HR by its own Halton sequence in HR pixels).
    NVS presets: one level ``hr`` at ``scale`` x ``render.lr`` with a view axis.

    Frames are rendered in clip order; a TAA level keeps its history from frame to frame and
    starts a new one at each clip's first frame. Per-frame render values (``Frame.stats``) go to
    ``<level>/frame_stats``: the TAA history of a TAA level, and ``exposure`` in presets that name
    their domain (``render.domain``).
    """

    def __init__(self, preset: Preset) -> None:
        self.preset = preset
        render = preset.section("render")
        self.buffers = tuple(render["buffers"])
        w, h = render["lr"]  # presets give sizes as [width, height]
        s = render["scale"]
        self.lr_size_wh, self.hr_size_wh = (w, h), (w * s, h * s)
        ssaa = {level: render["ssaa"] if render[f"aa_{level}"] == "ssaa" else 1 for level in ("lr", "hr")}
        self.pair: PairRenderer | None = None
        self.lr: Renderer | None = None
        self._writer_process: WriterProcess | None = None  # started by the first overlapped clip
        if preset.kind == "sr":
            self.pair = PairRenderer((w, h), s, aa_lr=render["aa_lr"], aa_hr=render["aa_hr"], ssaa_lr=ssaa["lr"],
                                     ssaa_hr=ssaa["hr"], msaa_samples=render["msaa"], lod_bias_lr=lod_bias_for(preset),
                                     buffers=self.buffers, post=post_chain_for(render),
                                     taa_phases=render["taa_phases"], taa_blend=render["taa_blend"],
                                     taa_history=render["taa_history"], taa_clip=render["taa_clip"])
            self.lr, self.hr = self.pair.lr, self.pair.hr
        else:  # NVS: one level, views of a rig
            self.hr = Renderer(w * s, h * s, aa=render["aa_hr"], ssaa=ssaa["hr"], msaa_samples=render["msaa"],
                               buffers=self.buffers, post=post_chain_for(render))

    def frame_stats(self) -> dict[str, tuple[str, ...]]:
        """Level -> names of the per-frame render values stored in its shards."""
        render = self.preset.section("render")
        out: dict[str, tuple[str, ...]] = {}
        for level, renderer in (("lr", self.lr), ("hr", self.hr)):
            if renderer is None:
                continue
            names = (("exposure",) if render["domain"] else ()) + \
                    (("taa_history_frames", "taa_rejected_fraction") if renderer.aa == "taa" else ())
            if names:
                out[level] = names
        return out

    def release(self) -> None:
        if self._writer_process is not None:
            self._writer_process.release()
            self._writer_process = None
        if self.pair is not None:
            self.pair.release()
        else:
            self.hr.release()

    def render_settings(self) -> dict[str, Any]:
        """JSON settings stored in every shard's ``render`` attribute."""
        render, clips = self.preset.section("render"), self.preset.section("clips")
        out = {"preset": self.preset.name, "preset_digest": self.preset.digest(), "scale": render["scale"],
               "fps": clips["fps"], "camera": clips["camera"], "jitter": render["jitter"], "detail": render["detail"],
               "hr": {k: v for k, v in self.hr.settings.items()}}
        if render["domain"]:
            out["domain"] = render["domain"]
        if render["jitter"] and render["taa_phases"] != 8:
            out["jitter_phases"] = render["taa_phases"]
        if self.lr is not None:
            out["lr"] = dict(self.lr.settings)
            out["lr_lod_bias"] = self.lr.lod_bias
        return out

    def render_clip(self, spec: ClipSpec, path: str | Path, on_frame: Callable[[], None] | None = None,
                    in_flight: int = DEFAULT_IN_FLIGHT) -> Path:
        """Render ``spec`` into the shard ``path`` (atomically); ``on_frame`` is called after each frame.

        ``in_flight`` >= 1: frames are compressed and written by this renderer's writer process
        (:class:`gameir.shards.writer_process.WriterProcess`, kept until :meth:`release`) while the
        next one renders, at most ``in_flight`` frames pending; 0: sequential (render, then write,
        frame by frame). Both write the same bytes.
        """
        if isinstance(in_flight, bool) or int(in_flight) != in_flight or in_flight < 0:
            raise ValueError(f"in_flight must be an integer >= 0 (0 = sequential), got {in_flight!r}")
        render, clips, rig = self.preset.section("render"), self.preset.section("clips"), self.preset.section("rig")
        frames, fps = clips["frames"], float(clips["fps"])
        world = build_world(spec.family, spec.seed, weather=spec.weather, dynamic=spec.dynamic, detail=render["detail"])
        # Timings vary run to run; everything stored must be a function of the plan alone, so a
        # resumed or re-run job writes byte-identical shards.
        world_meta = {k: v for k, v in world.metadata.items() if not k.endswith("_time_s")}
        scene_meta = spec.scene_dict() | {"camera_path": path_kind_for(clips["camera"], spec.family), "world": world_meta}
        common = dict(clip_id=spec.clip_id, split=spec.split, scene=scene_meta, render=self.render_settings(),
                      codec=Codec.parse(render["codec"]), buffers=self.buffers, frame_stats=self.frame_stats())
        w, h = self.lr_size_wh
        s = render["scale"]
        if self.preset.kind == "nvs":
            cams = rig_around(world, frames, fps=fps, width=w * s, height=h * s, fov_y_deg=render["fov_y_deg"],
                              n_views=rig["views"], layout=rig["layout"], radius_m=rig["radius_m"],
                              **({"arc_deg": rig["arc_deg"]} if rig["layout"] == "arc" else {}))
            with self._writer(path, in_flight, shapes_hw={"hr": (h * s, w * s)}, kind="nvs", num_views=rig["views"],
                              **common) as writer:
                for i in range(frames):
                    t = float(cams.times_s[i])
                    views = []
                    eye = cams.c2w[i, :, :3, 3].mean(axis=0)  # draw distances from the rig's centre: same instances in every view
                    for v in range(rig["views"]):
                        cam = cams.camera(i, v)
                        prev = cams.camera(i - 1, v) if i else cam
                        views.append(self.hr.render(world.scene, cam, t, dt=1.0 / fps, prev_camera=prev, lod_eye_m=eye))
                    writer.write_frame({"hr": views})
                    if on_frame:
                        on_frame()
            return Path(path)
        cam_path = make_path(world, path_kind_for(clips["camera"], spec.family), frames, fps=fps, width=w, height=h, fov_y_deg=render["fov_y_deg"])
        with self._writer(path, in_flight, shapes_hw={"lr": (h, w), "hr": (h * s, w * s)}, **common) as writer:
            prev = None
            for i in range(frames):
                t = float(cam_path.times_s[i])
                cam = cam_path.camera(i)
                cam_lr = cam.with_jitter(halton_jitter(i, render["taa_phases"])) if render["jitter"] else cam
                # One frustum, one instant, two native renders; HR is unjittered (clean target) unless
                # it runs TAA; TAA histories start anew at the clip's first frame.
                lr, hr = self.pair.render(world.scene, cam_lr, t, dt=1.0 / fps, prev_camera=prev or cam_lr,
                                          frame_index=i, reset=i == 0)
                writer.write_frame({"lr": lr, "hr": hr})
                prev = cam_lr
                if on_frame:
                    on_frame()
        return Path(path)

    def _writer(self, path: str | Path, in_flight: int, **writer_kwargs: Any) -> "ShardWriter | ProcessShard":
        """The shard's writer: in this process (``in_flight`` 0), else in this renderer's writer process."""
        if not in_flight:
            return ShardWriter(path, **writer_kwargs)
        if self._writer_process is not None and self._writer_process.max_in_flight != in_flight:
            self._writer_process.release()
            self._writer_process = None
        if self._writer_process is None:
            self._writer_process = WriterProcess(in_flight)
        return self._writer_process.open(path, **writer_kwargs)
