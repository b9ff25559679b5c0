#!/usr/bin/env bash
# Every Python that pyproject's requires-python admits, other than the python3 the test suite runs
# on: a throw-away venv (no system packages), the package installed from its wheel with its
# dependencies, then .ci/smoke_install.py (render tiny, verify, info, ShardReader, SRDataset,
# `gameir eval sr --method bicubic`). Interpreters are found through pyenv (`pyenv versions`) and
# as python3.X on PATH; a version in range that is missing or unusable is named with the reason.
#
# torch: PyPI's Linux torch wheels are the CUDA build and need ~2.7 GB of nvidia-*/triton wheels per
# Python, far over CI's budget. torch is installed where pip can take it from local disk (a wheel in
# pip's find-links, e.g. a CI wheel cache); elsewhere the torch steps are printed as SKIP with that
# reason. GAMEIR_SMOKE_TORCH=pypi installs it from PyPI instead (slow; for a full local run).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
start=$SECONDS
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pipq=(--quiet --disable-pip-version-check --no-input)

python3 -m pip wheel "${pipq[@]}" --no-deps -w "$tmp/wheel" . >"$tmp/wheel.log" 2>&1 || { cat "$tmp/wheel.log"; exit 1; }
whl=$(ls "$tmp"/wheel/gameir-*.whl)

# Requires-Python and the runtime requirements, as the wheel states them (markers kept for pip).
python3 - "$whl" "$tmp/meta" <<'EOF'
import sys, zipfile
from email.parser import Parser
whl, out = sys.argv[1:]
with zipfile.ZipFile(whl) as z:
    meta = Parser().parsestr(z.read(next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))).decode())
reqs = [r for r in meta.get_all("Requires-Dist", []) if "extra ==" not in r]
open(out + ".python", "w").write(meta["Requires-Python"] + "\n")
open(out + ".torch", "w").write("".join(r + "\n" for r in reqs if r.split(";")[0].strip().startswith("torch")))
open(out + ".reqs", "w").write("".join(r + "\n" for r in reqs if not r.split(";")[0].strip().startswith("torch")))
EOF
requires_python=$(cat "$tmp/meta.python")
torch_req=$(head -n1 "$tmp/meta.torch")
mapfile -t reqs <"$tmp/meta.reqs"
main_xy=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')

admits() {  # admits X.Y -> exit 0 when requires-python allows it
  python3 - "$requires_python" "$1" <<'EOF'
import sys
try:
    from packaging.specifiers import SpecifierSet
except ImportError:
    from pip._vendor.packaging.specifiers import SpecifierSet
sys.exit(0 if sys.argv[2] + ".0" in SpecifierSet(sys.argv[1]) else 1)
EOF
}

# Candidate interpreters: pyenv's, then python3.X on PATH; the first one per X.Y wins.
declare -A found=()
candidates=()
if command -v pyenv >/dev/null 2>&1; then
  for v in $(pyenv versions --bare 2>/dev/null); do candidates+=("$(pyenv root)/versions/$v/bin/python3"); done
fi
for minor in $(seq 8 20); do
  p=$(command -v "python3.$minor" 2>/dev/null || true)
  [ -n "$p" ] && candidates+=("$p")
done
for p in "${candidates[@]}"; do
  xy=$("$p" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || continue
  [ -z "${found[$xy]:-}" ] && found[$xy]=$p
done

echo "check_pythons: gameir wheel $(basename "$whl"); requires-python $requires_python; suite runs on $main_xy"
declare -a summary=()
failed=0
for minor in $(seq 8 20); do
  xy="3.$minor"
  admits "$xy" || continue
  p=${found[$xy]:-}
  if [ "$xy" = "$main_xy" ]; then
    summary+=("$xy  SKIP here: python3 is $xy; the test suite and .ci/check_wheel.sh (wheel, full smoke) run on it")
    continue
  fi
  if [ -z "$p" ]; then
    [ "$minor" -le 13 ] && summary+=("$xy  SKIP: no python$xy on this machine (pyenv or PATH)")
    continue
  fi
  t0=$SECONDS
  venv="$tmp/venv-$xy"
  echo "== Python $xy ($p)"
  if ! "$p" -m venv "$venv" >"$tmp/venv-$xy.log" 2>&1; then
    summary+=("$xy  SKIP: $p cannot create a venv ($(tail -n1 "$tmp/venv-$xy.log"))")
    continue
  fi
  vpip=("$venv/bin/python" -m pip "${pipq[@]}")
  if ! { "${vpip[@]}" install --no-deps "$whl" && "${vpip[@]}" install "${reqs[@]}"; } >"$tmp/pip-$xy.log" 2>&1; then
    grep -v "^WARNING: Location" "$tmp/pip-$xy.log" | tail -n 20
    summary+=("$xy  FAIL: installing the wheel and its dependencies (${reqs[*]})")
    failed=1
    continue
  fi
  skip=()
  if "${vpip[@]}" download --no-deps --no-index -d "$tmp/torch-$xy" "$torch_req" >/dev/null 2>&1 \
     || [ "${GAMEIR_SMOKE_TORCH:-}" = "pypi" ]; then
    "${vpip[@]}" install "$torch_req" >"$tmp/torch-$xy.log" 2>&1 \
      || { tail -n 5 "$tmp/torch-$xy.log"; summary+=("$xy  FAIL: installing $torch_req"); failed=1; continue; }
  else
    skip=(--skip-torch "no torch wheel for cp${xy/./} on local disk, and PyPI's is the CUDA build (~2.7 GB with its nvidia-* wheels) - over CI's budget; GAMEIR_SMOKE_TORCH=pypi runs it")
  fi
  if env -u PYTHONPATH "$venv/bin/python" "$repo/.ci/smoke_install.py" --work "$tmp/work-$xy" "${skip[@]}"; then
    if [ "${#skip[@]}" -eq 0 ]; then
      summary+=("$xy  PASS all steps, torch $("$venv/bin/python" -c 'import torch; print(torch.__version__)') ($((SECONDS - t0)) s)")
    else
      summary+=("$xy  PASS install, render, verify, info, ShardReader; SKIP SRDataset, eval sr: no torch in budget ($((SECONDS - t0)) s)")
    fi
  else
    summary+=("$xy  FAIL (see the steps above)")
    failed=1
  fi
  rm -rf "$venv" "$tmp/work-$xy"
done

echo "check_pythons summary ($((SECONDS - start)) s):"
printf '  %s\n' "${summary[@]}"
exit "$failed"
