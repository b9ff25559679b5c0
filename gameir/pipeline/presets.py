"""Render presets: TOML files (shipped in gameir/presets/*.toml) parsed into a checked `Preset`.

A preset says what a split looks like (sizes, AA, buffers, clip length, families, weathers,
camera, split sizes and seeds); :mod:`gameir.pipeline.plan` turns it into a deterministic list of
clips. Every key is checked; an unknown key or a bad value raises ``ValueError`` naming it.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gameir.buffers import BUFFER_NAMES
from gameir.worlds.build import FAMILIES

if sys.version_info >= (3, 11):
    import tomllib
else:  # the same parser, published as the `tomli` backport before it joined the standard library
    import tomli as tomllib

__all__ = ["PRESET_DIRS", "Preset", "find_preset", "list_presets", "load_preset", "parse_override", "apply_overrides",
           "preset_dirs", "describe_preset_dirs", "post_chain_for"]

#: The presets that ship inside the package (package data, present in every install).
PRESET_DIRS: tuple[Path, ...] = (Path(__file__).resolve().parents[1] / "presets",)

KINDS = ("sr", "nvs")
AA_MODES = ("none", "fxaa", "msaa", "ssaa", "taa")
#: What the frames of a preset are (docs/RENDERER.md, "Domains"); "" = not stated (older presets).
DOMAINS = ("", "release-like", "upscaler-input", "aliased")
CAMERAS = ("auto", "vehicle", "walk", "orbit", "fly", "rig")
WEATHERS = ("ClearNoon", "CloudyNoon", "WetNoon", "ClearSunset", "HardRain", "Fog", "Night")
VARIANTS = ("static", "dynamic")
DETAILS = ("low", "medium", "high")
RIG_LAYOUTS = ("arc", "ring", "forward")

#: section -> key -> (type check, default). ``None`` default = required.
SCHEMA: dict[str, dict[str, tuple[type | tuple[type, ...], Any]]] = {
    "preset": {"name": (str, None), "kind": (str, "sr"), "description": (str, "")},
    "render": {
        "lr": (list, None), "scale": (int, 2), "buffers": (list, list(BUFFER_NAMES)), "aa_lr": (str, "none"),
        "aa_hr": (str, "ssaa"), "ssaa": (int, 2), "msaa": (int, 4), "jitter": (bool, False),
        "lod_bias": ((int, float, str), 0.0), "fov_y_deg": ((int, float), 70.0), "codec": (str, "gzip:1"),
        "detail": (str, "medium"),
        # the post chain (gameir/render/post_chain.py): steps in the order they run, their parameters
        "post": (list, ["tonemap"]), "ssao_radius": ((int, float), 0.5), "bloom_threshold": ((int, float), 1.0),
        "bloom_intensity": ((int, float), 0.1), "motion_blur_shutter": ((int, float), 0.5),
        "vignette_intensity": ((int, float), 0.3), "grain_intensity": ((int, float), 0.02), "grain_seed": (int, 0),
        # TAA (aa_lr / aa_hr = "taa"): Halton jitter phases, weight of the current frame; the domain named
        "taa_phases": (int, 8), "taa_blend": ((int, float), 0.1), "taa_history": (str, "bilinear"),
        "taa_clip": (str, "minmax"), "domain": (str, ""),
    },
    "clips": {
        "frames": (int, None), "fps": ((int, float), 30.0), "families": (list, list(FAMILIES)),
        "weathers": (list, list(WEATHERS)), "variants": (list, list(VARIANTS)), "camera": (str, "auto"),
    },
    "rig": {"views": (int, 6), "layout": (str, "arc"), "radius_m": ((int, float), 8.0), "arc_deg": ((int, float), 120.0)},
    "splits": {},  # name -> {clips = int, seed_start = int}
}

#: [render] keys that came after the first shipped presets: left out of the plan digest while they
#: hold their defaults, so presets that do not use them keep their plans (and resume identity).
DIGEST_NEUTRAL_RENDER_KEYS: tuple[str, ...] = ("post", "ssao_radius", "bloom_threshold", "bloom_intensity",
                                               "motion_blur_shutter", "vignette_intensity", "grain_intensity",
                                               "grain_seed", "taa_phases", "taa_blend", "taa_history", "taa_clip",
                                               "domain")


@dataclass(frozen=True)
class Preset:
    """A checked preset. ``data`` holds every section with defaults filled in."""

    name: str
    source: str
    data: dict[str, Any]

    @property
    def kind(self) -> str:
        return self.data["preset"]["kind"]

    def section(self, name: str) -> dict[str, Any]:
        return self.data[name]

    def digest(self) -> str:
        """SHA-256 (first 16 hex digits) of the preset's canonical JSON: identifies a plan."""
        data = copy.deepcopy(self.data)
        for key in DIGEST_NEUTRAL_RENDER_KEYS:
            if key in data["render"] and data["render"][key] == SCHEMA["render"][key][1]:
                del data["render"][key]
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def preset_dirs() -> list[Path]:
    """Where preset names are looked up, first match wins: the directories in ``$GAMEIR_PRESETS``
    (``os.pathsep``-separated, in order), then the presets shipped in the package."""
    extra = [Path(p) for p in os.environ.get("GAMEIR_PRESETS", "").split(os.pathsep) if p]
    return extra + list(PRESET_DIRS)


def describe_preset_dirs() -> str:
    """One line naming the preset directories in lookup order (for help texts and errors)."""
    parts = [f"{d}{'' if d.is_dir() else ' (missing)'}" for d in preset_dirs()]
    return f"presets are looked up in: {', '.join(parts)} ($GAMEIR_PRESETS adds directories before the shipped ones)"


def list_presets() -> list[str]:
    """Names of the presets found in the preset directories."""
    return sorted({p.stem for d in preset_dirs() if d.is_dir() for p in d.glob("*.toml")})


def find_preset(name_or_path: str | os.PathLike) -> Path:
    """Path of a preset given as a file path or a name in the preset directories.

    A bare name is a name even when a directory of that name exists here (``gameir render tiny
    --out tiny`` resumes); it is read as a path when it ends in ``.toml``, has a directory part, or
    is an existing file.
    """
    path = Path(name_or_path)
    if path.suffix == ".toml" or len(path.parts) > 1 or path.is_file():
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such preset file")
        return path
    for d in preset_dirs():
        candidate = d / f"{name_or_path}.toml"
        if candidate.exists():
            return candidate
    raise ValueError(f"unknown preset {str(name_or_path)!r}; known presets: {', '.join(list_presets()) or 'none'}; "
                     f"{describe_preset_dirs()}")


def parse_override(text: str) -> tuple[str, str, Any]:
    """Parse ``section.key=value`` (value as a TOML literal, or a bare string) into its parts."""
    key, sep, raw = text.partition("=")
    section, dot, name = key.strip().partition(".")
    if not sep or not dot or not name:
        raise ValueError(f"override {text!r} must look like section.key=value, e.g. clips.frames=2")
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return section, name, value


def apply_overrides(data: dict[str, Any], overrides: list[str]) -> dict[str, Any]:
    """Return a copy of raw preset ``data`` with ``section.key=value`` overrides applied."""
    data = copy.deepcopy(data)
    for text in overrides:
        section, name, value = parse_override(text)
        if section not in SCHEMA:
            raise ValueError(f"--override {text}: unknown section {section!r}; sections: {', '.join(SCHEMA)}")
        if section != "splits" and name not in SCHEMA[section]:
            raise ValueError(f"--override {text}: unknown key {section}.{name}; keys of [{section}]: "
                             f"{', '.join(SCHEMA[section])}")
        if section == "splits":
            split, _, field = name.partition(".")
            data.setdefault("splits", {}).setdefault(split, {})[field or "clips"] = value
        else:
            data.setdefault(section, {})[name] = value
    return data


def load_preset(name_or_path: str | os.PathLike, overrides: list[str] | None = None) -> Preset:
    """Load, override and check a preset.

    Raises:
        ValueError: unknown preset, unknown section or key, wrong type, or a value out of its
            allowed set; the message names the file and the key.
    """
    path = find_preset(name_or_path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: not valid TOML ({exc})") from exc
    raw = apply_overrides(raw, overrides or [])
    data = _check(raw, f"{path} with --override {' '.join(overrides)}" if overrides else str(path))
    return Preset(name=data["preset"]["name"], source=str(path), data=data)


def _check(raw: dict[str, Any], where: str) -> dict[str, Any]:
    """The checked preset; ``where`` (the file, and the overrides applied) starts every message."""
    unknown = set(raw) - set(SCHEMA)
    if unknown:
        raise ValueError(f"{where}: unknown section(s) {', '.join(sorted(unknown))}; sections: {', '.join(SCHEMA)}")
    data: dict[str, Any] = {}
    for section, keys in SCHEMA.items():
        if section == "splits":
            continue
        given = raw.get(section, {})
        if not isinstance(given, dict):
            raise ValueError(f"{where}: [{section}] must be a table")
        bad = set(given) - set(keys)
        if bad:
            raise ValueError(f"{where}: unknown key(s) {', '.join(f'{section}.{k}' for k in sorted(bad))}; "
                             f"known: {', '.join(f'{section}.{k}' for k in keys)}")
        out = {}
        for key, (types, default) in keys.items():
            if key not in given:
                if default is None:
                    raise ValueError(f"{where}: {section}.{key} is required")
                out[key] = copy.deepcopy(default)
                continue
            value = given[key]
            if not isinstance(value, types) or (isinstance(value, bool) and types in (int, (int, float))):
                raise ValueError(f"{where}: {section}.{key} must be {_type_name(types)}, got {value!r}")
            out[key] = value
        data[section] = out
    _check_values(data, where)
    splits = raw.get("splits", {})
    if not splits:
        raise ValueError(f"{where}: [splits] is empty; give e.g. splits.train = {{clips = 10, seed_start = 0}}")
    data["splits"] = {}
    for split, spec in splits.items():
        if not isinstance(spec, dict) or set(spec) - {"clips", "seed_start"} or "clips" not in spec:
            raise ValueError(f"{where}: splits.{split} must be {{clips = N, seed_start = S}}, got {spec!r}")
        clips, seed_start = spec["clips"], spec.get("seed_start", 0)
        if not isinstance(clips, int) or clips < 0 or not isinstance(seed_start, int) or seed_start < 0:
            raise ValueError(f"{where}: splits.{split}.clips and seed_start must be integers >= 0, got {spec!r}")
        data["splits"][split] = {"clips": clips, "seed_start": seed_start}
    ranges = sorted((v["seed_start"], v["seed_start"] + v["clips"], k) for k, v in data["splits"].items() if v["clips"])
    for (a0, a1, a), (b0, b1, b) in zip(ranges, ranges[1:]):
        if b0 < a1:
            raise ValueError(f"{where}: splits {a!r} (seeds {a0}..{a1 - 1}) and {b!r} (seeds {b0}..{b1 - 1}) share seeds; "
                             "splits must never share a scene")
    return data


def _type_name(types) -> str:
    types = types if isinstance(types, tuple) else (types,)
    return " or ".join({"str": "a string", "int": "an integer", "float": "a number", "list": "a list",
                        "bool": "true/false"}[t.__name__] for t in types)


def _one_of(value: Any, allowed: tuple, key: str, where: str) -> None:
    if value not in allowed:
        raise ValueError(f"{where}: {key} = {value!r} is not one of {', '.join(map(str, allowed))}")


def post_chain_for(render: dict[str, Any]) -> Any:
    """The :class:`gameir.render.post_chain.PostChain` of a checked preset's ``[render]`` section."""
    from gameir.render.post_chain import PostChain
    return PostChain(tuple(render["post"]), ssao_radius_m=render["ssao_radius"],
                     bloom_threshold=render["bloom_threshold"], bloom_intensity=render["bloom_intensity"],
                     motion_blur_shutter=render["motion_blur_shutter"],
                     vignette_intensity=render["vignette_intensity"], grain_intensity=render["grain_intensity"],
                     grain_seed=render["grain_seed"])


def _check_post(render: dict[str, Any], where: str) -> None:
    from gameir.render.post_chain import check_post_steps
    check_post_steps(render["post"], f"{where}: render.post")
    try:
        post_chain_for(render)
    except ValueError as exc:  # "PostChain: bloom_intensity must be ..." -> the preset key
        message = str(exc).removeprefix("PostChain: ").replace("ssao_radius_m", "ssao_radius")
        raise ValueError(f"{where}: render.{message}") from None
    if "ssao" in render["post"] and "msaa" in (render["aa_lr"], render["aa_hr"]):
        raise ValueError(f"{where}: render.post has 'ssao', which works in the deferred lighting pass; "
                         "aa_lr/aa_hr = \"msaa\" shades forward (use another AA mode or drop 'ssao')")


def _check_values(data: dict[str, Any], where: str) -> None:
    _one_of(data["preset"]["kind"], KINDS, "preset.kind", where)
    render, clips, rig = data["render"], data["clips"], data["rig"]
    lr_size_wh = render["lr"]
    if len(lr_size_wh) != 2 or not all(isinstance(v, int) and v >= 8 for v in lr_size_wh):
        raise ValueError(f"{where}: render.lr must be [width, height] integers >= 8, got {lr_size_wh!r}")
    if render["scale"] < 1:
        raise ValueError(f"{where}: render.scale must be an integer >= 1, got {render['scale']}")
    for name in render["buffers"]:
        _one_of(name, BUFFER_NAMES, "render.buffers entry", where)
    _one_of(render["aa_lr"], AA_MODES, "render.aa_lr", where)
    _one_of(render["aa_hr"], AA_MODES, "render.aa_hr", where)
    _one_of(render["detail"], DETAILS, "render.detail", where)
    _one_of(render["domain"], DOMAINS, "render.domain", where)
    from gameir.render.passes.taa import check_taa_options
    try:
        check_taa_options(render["taa_phases"], render["taa_blend"], "", render["taa_history"], render["taa_clip"])
    except ValueError as exc:
        raise ValueError(f"{where}: render.{str(exc).removeprefix(': ')}") from None
    if render["aa_lr"] == "taa" and not render["jitter"]:
        raise ValueError(f"{where}: render.aa_lr = \"taa\" needs render.jitter = true (TAA resolves jittered frames)")
    if data["preset"]["kind"] == "nvs" and "taa" in (render["aa_lr"], render["aa_hr"]):
        raise ValueError(f"{where}: aa = \"taa\" needs frames of one camera in order; an nvs preset renders "
                         "views of a rig in turn (use another AA mode)")
    if not 1 <= render["ssaa"] <= 4:
        raise ValueError(f"{where}: render.ssaa must be in 1..4, got {render['ssaa']}")
    _one_of(render["msaa"], (2, 4, 8), "render.msaa", where)
    if isinstance(render["lod_bias"], str) and render["lod_bias"] != "auto":
        raise ValueError(f"{where}: render.lod_bias must be a number or \"auto\", got {render['lod_bias']!r}")
    if not 10 <= render["fov_y_deg"] <= 150:
        raise ValueError(f"{where}: render.fov_y_deg must be in 10..150, got {render['fov_y_deg']}")
    from gameir.shards.format import Codec  # render.codec: a known name, and one this HDF5 can write
    try:
        Codec.parse(render["codec"]).check_writable()
    except ValueError as exc:
        raise ValueError(f"{where}: render.codec = {render['codec']!r}: {exc}") from None
    _check_post(render, where)
    if clips["frames"] < 1:
        raise ValueError(f"{where}: clips.frames must be >= 1, got {clips['frames']}")
    if not clips["fps"] > 0:
        raise ValueError(f"{where}: clips.fps must be > 0, got {clips['fps']}")
    for key, allowed in (("families", FAMILIES), ("weathers", WEATHERS), ("variants", VARIANTS)):
        if not clips[key]:
            raise ValueError(f"{where}: clips.{key} is empty")
        for value in clips[key]:
            _one_of(value, allowed, f"clips.{key} entry", where)
    _one_of(clips["camera"], CAMERAS, "clips.camera", where)
    _one_of(rig["layout"], RIG_LAYOUTS, "rig.layout", where)
    if not 1 <= rig["views"] <= 64:
        raise ValueError(f"{where}: rig.views must be in 1..64, got {rig['views']}")
    if data["preset"]["kind"] == "nvs" and clips["camera"] != "rig":
        raise ValueError(f"{where}: an nvs preset needs clips.camera = \"rig\", got {clips['camera']!r}")
