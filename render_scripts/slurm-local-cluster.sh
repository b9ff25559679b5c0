#!/usr/bin/env bash
# A real SLURM cluster on this machine renders `tiny` as a 4-task array with the documented job script.
#
# usage: bash render_scripts/slurm-local-cluster.sh [--keep]      (as root; Debian or Ubuntu)
#
# What it does, and what it proves:
#   1. installs Debian's slurm-wlm and munge if they are missing, starts munged, and starts a
#      single-node cluster (slurmctld + slurmd, node at 127.0.0.1, 2 CPUs, no cgroups) whose
#      configuration, state and logs live in one temporary folder;
#   2. renders `tiny` in one process, as the reference;
#   3. submits `sbatch --array=0-3 render_scripts/slurm-array.sbatch tiny OUT`, pre-empts one task
#      mid-run with scancel once it has finished a clip, checks that `gameir manifest merge` then
#      refuses the gap naming that task, resubmits that one task, and merges;
#   4. asserts that every shard of the merged dataset is byte-identical (SHA-256) to the reference
#      and that `gameir verify` passes; then stops the daemons (by their pid files) and removes
#      the folder (kept with --keep).
# Environment: GAMEIR_PYTHON, the interpreter with gameir installed (default python3).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
python=${GAMEIR_PYTHON:-python3}
keep=0
case "${1:-}" in
  --keep) keep=1 ;;
  -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
  "") ;;
  *) echo "slurm-local-cluster.sh: error: unknown argument $1 (expected --keep or --help)" >&2; exit 2 ;;
esac
say() { printf 'slurm-cluster: %s\n' "$*"; }
fail() { printf 'slurm-cluster: FAIL: %s\n' "$*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "run as root (it starts munged, slurmctld and slurmd)"

start=$(date +%s)
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  say "installing slurm-wlm and munge (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq slurm-wlm munge >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq slurm-wlm munge >/dev/null; } \
    || fail "apt-get install slurm-wlm munge failed"
fi

work=$(mktemp -d /tmp/gameir-slurm.XXXXXX)
chmod 755 "$work"
export SLURM_CONF=$work/slurm.conf
started_munge=0
cleanup() {
  local pids=()
  for pid_file in "$work/slurmd.pid" "$work/slurmctld.pid"; do
    if [ -f "$pid_file" ]; then pids+=("$(cat "$pid_file")"); kill "${pids[-1]}" 2>/dev/null || true; fi
  done
  if [ "$started_munge" = 1 ] && [ -f /run/munge/munged.pid ]; then kill "$(cat /run/munge/munged.pid)" 2>/dev/null || true; fi
  # slurmctld saves its state as it stops: wait for the daemons to exit before removing their folder
  for _ in $(seq 50); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.2
  done
  if [ "$keep" = 0 ]; then rm -rf "$work" 2>/dev/null || { sleep 1; rm -rf "$work" || say "could not remove $work"; }
  else say "kept $work"; fi
  return 0
}
trap cleanup EXIT

# -- munge: the authentication slurm uses; the package's key, its own user -----------------------
if ! pgrep -x munged >/dev/null; then
  [ -s /etc/munge/munge.key ] || { dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=128 2>/dev/null;
                                   chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key; }
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge
  runuser -u munge -- munged || fail "munged did not start (see /var/log/munge/munged.log)"
  started_munge=1
fi
munge -n | unmunge >/dev/null || fail "munge round trip failed"

# -- a single-node cluster -------------------------------------------------------------------------
node=$(hostname -s)
memory_mb=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512 ))
mkdir -p "$work/state" "$work/spool" "$work/logs"
cat > "$SLURM_CONF" <<EOF
ClusterName=gameir-local
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
ReturnToService=2
MpiDefault=none
NodeName=$node NodeAddr=127.0.0.1 CPUs=2 RealMemory=$memory_mb State=UNKNOWN
PartitionName=local Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -f "$SLURM_CONF" || fail "slurmctld did not start (see $work/slurmctld.log)"
slurmd -f "$SLURM_CONF" -N "$node" || fail "slurmd did not start (see $work/slurmd.log)"
for _ in $(seq 1 60); do
  state=$(sinfo -h -n "$node" -o %t 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 1
done
[ "$state" = idle ] || fail "node $node is '$state', not idle, after 60 s (see $work/slurmd.log)"
say "cluster up: node $node, 2 CPUs, ${memory_mb} MB ($(sinfo -V))"

# -- reference: one process -------------------------------------------------------------------------
"$python" -m gameir render tiny --out "$work/reference" --quiet >/dev/null
say "reference: gameir render tiny in one process"

# -- the array, one task pre-empted ----------------------------------------------------------------
out=$work/array
submit() {  # sbatch with the cluster's options; the job script and its arguments follow
  sbatch --parsable --cpus-per-task=1 --mem=2G --time=30 --chdir="$work" \
         --output="$work/logs/%x-%A_%a.out" --export="ALL,GAMEIR_PYTHON=$python" "$@"
}
job=$(submit --array=0-3 "$repo/render_scripts/slurm-array.sbatch" tiny "$out")
say "submitted array job $job (4 tasks, tiny: 9 clips)"
victim=""
for _ in $(seq 1 600); do  # pre-empt the first running task that has recorded a finished clip
  for i in 0 1 2 3; do
    part=$out/parts/part-0000$i-of-00004.json
    if [ -f "$part" ] && grep -q '"sha256"' "$part" \
       && [ "$(squeue -h -j "${job}_$i" -t R -o %i 2>/dev/null)" != "" ]; then
      scancel "${job}_$i" && victim=$i && break 2
    fi
  done
  sleep 0.1
done
[ -n "$victim" ] || fail "no task could be pre-empted mid-run (all finished too fast?)"
say "scancel ${job}_$victim after its first clip"
for _ in $(seq 1 600); do
  [ -z "$(squeue -h -j "$job" -o %i 2>/dev/null)" ] && break
  sleep 0.5
done
[ -z "$(squeue -h -j "$job" -o %i)" ] || fail "array $job still queued after 300 s"
if merge_output=$("$python" -m gameir manifest merge "$out" 2>&1); then
  fail "manifest merge accepted a dataset whose task $victim was cancelled: $merge_output"
fi
case "$merge_output" in
  *"job $victim has"*"unfinished clip(s)"*"--shard-index $victim"*) say "merge refuses the gap: ${merge_output#*error: }" ;;
  *) fail "merge did not name the cancelled task $victim: $merge_output" ;;
esac
# A single-index array sees SLURM_ARRAY_TASK_COUNT=1, so the resubmitted task names its share.
again=$(submit --array="$victim" --wait "$repo/render_scripts/slurm-array.sbatch" tiny "$out" \
        --num-shards 4 --shard-index "$victim") || fail "resubmitted task $victim failed (see $work/logs)"
say "resubmitted task $victim as job $again: finished"
"$python" -m gameir manifest merge "$out" >/dev/null
"$python" -m gameir verify "$out" --quiet || fail "gameir verify found faults in $out"

# -- byte-identical to the one-process render ---------------------------------------------------------
"$python" - "$work/reference" "$out" <<'EOF'
import hashlib, json, sys
from pathlib import Path

ref, out = (Path(p) for p in sys.argv[1:3])
def shards(root):
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*.h5"))}
a, b = shards(ref), shards(out)
if a != b:
    sys.exit(f"slurm-cluster: FAIL: shards differ: {sorted(set(a) ^ set(b)) or [k for k in a if a[k] != b[k]]}")
m_ref, m_out = (json.loads((r / "manifest.json").read_text())["splits"] for r in (ref, out))
if m_ref != m_out:
    sys.exit("slurm-cluster: FAIL: manifests list different shards")
print(f"slurm-cluster: {len(a)} shards byte-identical (SHA-256) to the one-process render; manifests equal")
EOF
say "passed in $(( $(date +%s) - start )) s"
