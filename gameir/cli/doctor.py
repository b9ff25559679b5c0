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
        facts["hdf5plugin"] = "not installed (optional: pip install hdf5plugin for blosc2 codecs)"
    from gameir.render.context import GLUnavailableError, gl_info
    try:
        facts["gl"] = gl_info()
    except GLUnavailableError as exc:
        facts["gl"] = {"error": str(exc)}
    return facts


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "doctor", help="report Python, torch, h5py/HDF5, OpenGL (EGL) and GPU facts",
        description="Report the environment: Python, numpy, torch (+CUDA), h5py/HDF5, OpenCV, and the "
                    "OpenGL vendor/renderer/version of a headless EGL context. Exit 1 if rendering is impossible.",
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
            if isinstance(value, dict):
                for k, v in value.items():
                    print(f"{key + '.' + k:<14} {v}")
            else:
                print(f"{key:<14} {value}")
    return 1 if "error" in facts["gl"] else 0
