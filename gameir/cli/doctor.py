"""`gameir doctor`: print the environment facts that decide whether GameIR can render and train."""

from __future__ import annotations

import argparse
import json
import platform
import sys
from typing import Any

__all__ = ["collect_facts", "register", "run"]


def collect_facts() -> dict[str, Any]:
    """Versions of Python and the key libraries, the EGL OpenGL renderer, and the GPU if any.

    A library or driver that is missing is reported with the command that installs it.
    """
    facts: dict[str, Any] = {
        "gameir": __import__("gameir").__version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
    }
    import numpy
    facts["numpy"] = numpy.__version__
    import h5py
    facts["h5py"] = h5py.__version__
    facts["hdf5"] = h5py.version.hdf5_version
    try:
        import cv2
        facts["opencv"] = cv2.__version__
    except ImportError:
        facts["opencv"] = "missing: pip install opencv-python-headless"
    try:
        import torch
        facts["torch"] = torch.__version__
        facts["cuda"] = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none (CPU only)"
    except ImportError:
        facts["torch"] = "missing: pip install torch"
        facts["cuda"] = "unknown"
    try:
        import hdf5plugin
        facts["hdf5plugin"] = hdf5plugin.version
    except ImportError:
        facts["hdf5plugin"] = "not installed (optional: pip install 'gameir[codecs]' for the lz4, zstd and blosc2 codecs)"
    from gameir.shards.format import available_codecs
    facts["codecs"] = ", ".join(available_codecs())
    from gameir.render.context import GLUnavailableError, gl_info
    try:
        facts["gl"] = gl_info()
    except GLUnavailableError as exc:
        facts["gl"] = {"error": str(exc)}
    facts["egl_devices"] = egl_device_facts()
    return facts


def egl_device_facts() -> list[dict[str, Any]]:
    """One entry per EGL device: the driver's strings, and the GL renderer of a context on it."""
    from gameir.render.context import GLUnavailableError, gl_info
    from gameir.render.devices import list_devices, visible_devices

    try:
        devices = list_devices()
    except GLUnavailableError as exc:
        return [{"error": str(exc)}]
    visible = {d.index for d in visible_devices(devices)}
    out = []
    for device in devices:
        entry = device.as_dict() | {"visible": device.index in visible}
        try:
            entry["gl"] = gl_info(device.index)
        except (GLUnavailableError, ValueError) as exc:
            entry["gl"] = {"error": str(exc)}
        out.append(entry)
    return out


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "doctor", help="report Python, torch, h5py/HDF5, OpenGL (EGL) and GPU facts",
        description="Report the environment: Python, numpy, torch (+CUDA), h5py/HDF5, OpenCV, and the "
                    "OpenGL vendor/renderer/version of a headless EGL context, and every EGL device (the N of "
                    "`gameir render --device egl:N`). Exit 1 if rendering is impossible.",
        epilog="example:\n  gameir doctor\n  gameir doctor --json > env.json",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print the facts as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    facts = collect_facts()
    if args.json:
        print(json.dumps(facts, indent=2))
    else:
        for key, value in facts.items():
            if key == "egl_devices":
                for entry in value or [{"error": "none found"}]:
                    if "index" not in entry:
                        print(f"{'egl_devices':<14} {entry['error']}")
                        continue
                    gl = entry["gl"].get("renderer") or entry["gl"].get("error", "")
                    kind = "software" if entry["software"] else "hardware"
                    extra = f", cuda {entry['cuda_device']}" if entry["cuda_device"] is not None else ""
                    extra += f", {entry['drm_file']}" if entry["drm_file"] else ""
                    extra += "" if entry["visible"] else ", not visible to jobs"
                    print(f"{'egl:' + str(entry['index']):<14} {gl} ({kind}{extra}; {entry['vendor'] or 'vendor n/a'}; "
                          f"extensions: {entry['extensions'] or 'none'})")
            elif isinstance(value, dict):
                for k, v in value.items():
                    print(f"{key + '.' + k:<14} {v}")
            else:
                print(f"{key:<14} {value}")
    return 1 if "error" in facts["gl"] else 0
