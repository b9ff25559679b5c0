#!/usr/bin/env bash
# A real wheel works: build it, check that it carries the presets and protocols byte for byte,
# install it without -e into a fresh venv (--system-site-packages, so torch and the other
# dependencies come from the system; pip install --no-deps), and run .ci/smoke_install.py with it
# from a directory outside the checkout: the gameir imported must be the venv's, not an editable
# one; render tiny, verify, info, ShardReader, SRDataset and `gameir eval sr --method bicubic`.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
start=$SECONDS
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pipq=(--quiet --disable-pip-version-check --no-input)

python3 -m pip wheel "${pipq[@]}" --no-deps -w "$tmp/wheel" . >"$tmp/wheel.log" 2>&1 || { cat "$tmp/wheel.log"; exit 1; }
whl=$(ls "$tmp"/wheel/gameir-*.whl)
echo "check_wheel: built $(basename "$whl") ($(du -k "$whl" | cut -f1) kB) in $((SECONDS - start)) s"

# The package data in the wheel is exactly the checkout's (a preset's bytes are its plan's identity).
python3 - "$whl" "$repo" <<'EOF'
import sys, zipfile
from pathlib import Path
whl, repo = sys.argv[1], Path(sys.argv[2])
with zipfile.ZipFile(whl) as z:
    names = set(z.namelist())
    for folder, pattern in (("gameir/presets", "*.toml"), ("gameir/protocols", "*.json"), ("gameir/render/shaders", "*.glsl")):
        files = sorted((repo / folder).glob(pattern))
        if not files:
            sys.exit(f"check_wheel: no {pattern} under {folder} in the checkout")
        for f in files:
            member = f.relative_to(repo).as_posix()
            if member not in names:
                sys.exit(f"check_wheel: {whl}: {member} is missing from the wheel")
            if z.read(member) != f.read_bytes():
                sys.exit(f"check_wheel: {whl}: {member} differs from the checkout's file")
        print(f"  ok   wheel carries {folder}/{pattern}: {len(files)} files, byte-identical")
EOF

python3 -m venv --system-site-packages "$tmp/venv"
"$tmp/venv/bin/python" -m pip install "${pipq[@]}" --no-deps "$whl" >"$tmp/pip.log" 2>&1 || { cat "$tmp/pip.log"; exit 1; }
env -u PYTHONPATH "$tmp/venv/bin/python" "$repo/.ci/smoke_install.py" --work "$tmp/elsewhere"
echo "check_wheel: PASS on Python $("$tmp/venv/bin/python" -c 'import sys; print(sys.version.split()[0])') in $((SECONDS - start)) s"
