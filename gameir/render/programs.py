"""GLSL program loading: one ``.glsl`` file per program, stages split by ``VERTEX_SHADER`` /
``FRAGMENT_SHADER``, ``#include "file.glsl"`` (include-once; some includes are generated from
Python tables, :data:`GENERATED`) and generated ``#define``s."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

from gameir.render.constants import glsl_defines
from gameir.render.contract import GENERATED_INCLUDES

__all__ = ["SHADER_DIR", "shader_source", "ProgramCache"]

#: Folder holding the GLSL files shipped with the package.
SHADER_DIR = Path(__file__).parent / "shaders"

_INCLUDE = re.compile(r'^\s*#include\s+"([^"]+)"\s*$', re.MULTILINE)


#: Include files generated from Python tables rather than stored in SHADER_DIR.
GENERATED: dict[str, Callable[[], str]] = dict(GENERATED_INCLUDES)


def _expand(name: str, seen: set[str]) -> str:
    seen.add(name)
    if name in GENERATED:
        text = GENERATED[name]()
    else:
        path = SHADER_DIR / name
        if not path.is_file():
            raise FileNotFoundError(f"shader {name!r} not found in {SHADER_DIR}")
        text = path.read_text(encoding="utf-8")

    def repl(match: re.Match[str]) -> str:
        inc = match.group(1)
        return "" if inc in seen else _expand(inc, seen)

    return _INCLUDE.sub(repl, text)


def shader_source(name: str, stage: str, variants: tuple[str, ...] = ()) -> str:
    """Full GLSL 330 core source of one stage of program file ``name``.

    Args:
        name: file name under :data:`SHADER_DIR`, e.g. ``"gbuffer.glsl"``.
        stage: ``"VERTEX_SHADER"`` or ``"FRAGMENT_SHADER"``.
        variants: extra switches defined before the body, e.g. ``("FORWARD", "ALPHA_TEST")``.
    """
    if stage not in ("VERTEX_SHADER", "FRAGMENT_SHADER"):
        raise ValueError(f"stage must be VERTEX_SHADER or FRAGMENT_SHADER, got {stage!r}")
    header = "#version 330 core\n" + f"#define {stage} 1\n" + glsl_defines({v: 1 for v in variants})
    return header + _expand(name, set())


class ProgramCache:
    """Compiles each (file, variants) program once per GL context."""

    def __init__(self, ctx: Any) -> None:
        self._ctx = ctx
        self._programs: dict[tuple[str, tuple[str, ...]], Any] = {}

    def get(self, name: str, variants: tuple[str, ...] = ()) -> Any:
        """The ``moderngl.Program`` of ``name`` with ``variants`` (sorted), compiled on first use."""
        key = (name, tuple(sorted(variants)))
        prog = self._programs.get(key)
        if prog is None:
            try:
                prog = self._ctx.program(vertex_shader=shader_source(name, "VERTEX_SHADER", key[1]),
                                         fragment_shader=shader_source(name, "FRAGMENT_SHADER", key[1]))
            except Exception as exc:  # moderngl raises a plain Error with the driver log
                raise RuntimeError(f"shader {name} (variants {key[1]}) failed to compile/link: {exc}") from exc
            self._programs[key] = prog
        return prog

    def release(self) -> None:
        for prog in self._programs.values():
            prog.release()
        self._programs.clear()
