#!/usr/bin/env bash
# GPU readiness check, one command, one report file (see benchmarks/gpu_check.py for the sections).
#
#   benchmarks/gpu_check.sh                      # on a CUDA machine: report in gpu_check_report.md
#   benchmarks/gpu_check.sh report.md --quick    # the CPU smoke run (llvmpipe vs llvmpipe, ~1-2 min)
#
# Designed to finish in under 8 minutes on a CUDA node: every render is a few frames, the
# throughput section stops starting new runs after --budget-s (default 420 s), and the report is
# rewritten after each section. Renders go to gpu_check_work/ (deleted at the end unless KEEP=1).
set -euo pipefail
cd "$(dirname "$0")/.."
report="${1:-gpu_check_report.md}"
shift || true
work="$(mktemp -d "${TMPDIR:-/tmp}/gameir-gpu-check.XXXXXX")"
trap '[ "${KEEP:-0}" = 1 ] || rm -rf "$work"' EXIT
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
timeout 470 python3 benchmarks/gpu_check.py --out "$report" --work "$work" "$@"
echo "report: $report"
