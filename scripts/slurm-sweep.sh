#!/usr/bin/env bash
# Runs one study as a Slurm job array: each task evaluates one shard into its own SQLite
# file, and a merge job combines them once every task has ended. See --help, and the
# README section "Studies larger than one machine".
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bash scripts/slurm-sweep.sh --study FILE [options]

Submits one array task per shard (`llmdse sweep --shard K/N --resume`) and a merge job that
starts when every task has ended, however it ended: the merge checks that the shards cover
the study, and when one failed, was cancelled or timed out it names the shards to run again
(--shards) instead of waiting forever. Assumes a filesystem shared by all nodes at the same
path (this checkout's binary, the study, --out); the simulation cache stays on each node's
local disk (SQLite over NFS or Lustre is unsafe).

Options (environment variable in brackets):
  --study FILE       the study JSON [STUDY]
  --out DIR          results folder, created if needed [OUT, default: results]:
                       DIR/shard-K-of-N.sqlite, DIR/all.sqlite, DIR/logs/ (one log per attempt)
  --shard-count N    shards the study is split into [SHARD_COUNT, default: 16]
  --shards LIST      submit only these shards, e.g. 3,7 or 2-5 [SHARDS_TO_RUN, default: all]:
                       reruns failed, cancelled or timed-out shards; they resume where they stopped
  --merge-only       submit only the merge job [MERGE_ONLY=1]
  --no-merge         submit the shards without a merge job [NO_MERGE=1]
  --cpus N           CPUs (threads) per task [CPUS, default: 2]
  --mem SIZE         memory per task, e.g. 2G [MEM, default: 2G]
  --time LIMIT       time limit per task, e.g. 1:00:00 [TIME_LIMIT, default: 1:00:00]
  --partition NAME   partition [PARTITION, default: the cluster's default]
  --account NAME     account to charge [ACCOUNT, default: yours]
  --sim-cache FILE   simulation cache on each node's local disk
                       [SIM_CACHE, default: ${TMPDIR:-/tmp}/llmdse-$USER/simcache.sqlite]
  --llmdse PATH      llmdse binary, visible from every node [LLMDSE, default: build/bin/llmdse here]
  --sweep-args ARGS  more options for every `llmdse sweep`, e.g. "--force" [SWEEP_ARGS]
  -h, --help         this text

Example:
  bash scripts/slurm-sweep.sh --study study.json --out results --shard-count 64 --cpus 8
  # shard 3 and 7 failed (results/logs/merge.job*.log says so): run them again and merge
  bash scripts/slurm-sweep.sh --study study.json --out results --shard-count 64 --cpus 8 --shards 3,7
EOF
}

die() { echo "slurm-sweep: error: $*" >&2; exit 1; }

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STUDY="${STUDY:-}"
OUT="${OUT:-results}"
SHARD_COUNT="${SHARD_COUNT:-${SHARDS:-16}}" # SHARDS: the count's name before SHARDS_TO_RUN existed
SHARDS_TO_RUN="${SHARDS_TO_RUN:-}"
MERGE_ONLY="${MERGE_ONLY:-0}"
NO_MERGE="${NO_MERGE:-0}"
CPUS="${CPUS:-2}"
MEM="${MEM:-2G}"
TIME_LIMIT="${TIME_LIMIT:-1:00:00}"
PARTITION="${PARTITION:-}"
ACCOUNT="${ACCOUNT:-}"
SIM_CACHE="${SIM_CACHE:-}"
LLMDSE="${LLMDSE:-$ROOT/build/bin/llmdse}"
SWEEP_ARGS="${SWEEP_ARGS:-}"

while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --merge-only) MERGE_ONLY=1; shift ;;
    --no-merge) NO_MERGE=1; shift ;;
    --study|--out|--shard-count|--shards|--cpus|--mem|--time|--partition|--account|--sim-cache|--llmdse|--sweep-args)
      [ $# -ge 2 ] || die "$1 needs a value"
      case "$1" in
        --study) STUDY="$2" ;; --out) OUT="$2" ;; --shard-count) SHARD_COUNT="$2" ;; --shards) SHARDS_TO_RUN="$2" ;;
        --cpus) CPUS="$2" ;; --mem) MEM="$2" ;; --time) TIME_LIMIT="$2" ;; --partition) PARTITION="$2" ;;
        --account) ACCOUNT="$2" ;; --sim-cache) SIM_CACHE="$2" ;; --llmdse) LLMDSE="$2" ;; --sweep-args) SWEEP_ARGS="$2" ;;
      esac
      shift 2 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

# --- check everything here, on the login node: a task that fails at launch reports only in the node's log
command -v sbatch >/dev/null || die "sbatch not found: run this on a Slurm login node"
[[ "$SHARD_COUNT" =~ ^[1-9][0-9]*$ ]] || die "--shard-count must be a whole number >= 1, got '$SHARD_COUNT'"
[[ "$CPUS" =~ ^[1-9][0-9]*$ ]] || die "--cpus must be a whole number >= 1, got '$CPUS'"
[[ "$MEM" =~ ^[0-9]+[KMGT]?$ ]] || die "--mem must be a size such as 500M or 4G, got '$MEM'"
[ -x "$LLMDSE" ] || die "llmdse binary '$LLMDSE' not found: build it (bash scripts/setup.sh) or pass --llmdse"
LLMDSE="$(cd "$(dirname "$LLMDSE")" && pwd)/$(basename "$LLMDSE")"
mkdir -p "$OUT/logs" "$OUT/slurm" || die "cannot create the results folder '$OUT'"
OUT="$(cd "$OUT" && pwd)"

# Shard numbers to run: "3,7", "2-5", "1,4-6"; default 1..N.
expand_shards() {
  local part a b k
  IFS=',' read -ra parts <<<"$1"
  for part in "${parts[@]}"; do
    if [[ "$part" =~ ^([0-9]+)-([0-9]+)$ ]]; then a=${BASH_REMATCH[1]}; b=${BASH_REMATCH[2]}
    elif [[ "$part" =~ ^[0-9]+$ ]]; then a=$part; b=$part
    else die "--shards: '$part' is not a shard number or range (e.g. 3,7 or 2-5)"; fi
    for ((k = a; k <= b; k++)); do
      ((k >= 1 && k <= SHARD_COUNT)) || die "--shards: shard $k is outside 1..$SHARD_COUNT"
      echo "$k"
    done
  done
}

# The same choices, as this script's options (for the recovery command the merge prints).
RESOURCE_ARGS=(--cpus "$CPUS" --mem "$MEM" --time "$TIME_LIMIT")
[ -n "$PARTITION" ] && RESOURCE_ARGS+=(--partition "$PARTITION")
[ -n "$ACCOUNT" ] && RESOURCE_ARGS+=(--account "$ACCOUNT")
[ -n "$SIM_CACHE" ] && RESOURCE_ARGS+=(--sim-cache "$SIM_CACHE")
[ "$LLMDSE" != "$ROOT/build/bin/llmdse" ] && RESOURCE_ARGS+=(--llmdse "$LLMDSE")
[ -n "$SWEEP_ARGS" ] && RESOURCE_ARGS+=(--sweep-args "$SWEEP_ARGS")
RESOURCES=(--time="$TIME_LIMIT")
[ -n "$PARTITION" ] && RESOURCES+=(--partition="$PARTITION")
[ -n "$ACCOUNT" ] && RESOURCES+=(--account="$ACCOUNT")
SINFO=(sinfo -h)
[ -n "$PARTITION" ] && SINFO+=(-p "$PARTITION")

# A request no node can meet stays pending forever: refuse it here instead.
check_fits() {
  local cpus mem_mb want_mb
  cpus=$("${SINFO[@]}" -o '%c' 2>/dev/null | tr -d '+' | sort -n | tail -1)
  if [ -n "$cpus" ] && [ "$CPUS" -gt "$cpus" ]; then
    die "no node${PARTITION:+ in partition $PARTITION} has $CPUS CPUs (the largest has $cpus): pass --cpus $cpus or fewer"
  fi
  mem_mb=$("${SINFO[@]}" -o '%m' 2>/dev/null | tr -d '+' | sort -n | tail -1)
  case "$MEM" in
    *K) want_mb=$(( ${MEM%K} / 1024 )) ;; *M) want_mb=${MEM%M} ;; *G) want_mb=$(( ${MEM%G} * 1024 )) ;;
    *T) want_mb=$(( ${MEM%T} * 1024 * 1024 )) ;; *) want_mb=$MEM ;;
  esac
  if [[ "$mem_mb" =~ ^[0-9]+$ ]] && [ "$want_mb" -gt "$mem_mb" ]; then
    die "no node${PARTITION:+ in partition $PARTITION} has $MEM of memory (the largest has ${mem_mb}M): pass a smaller --mem"
  fi
}

# Jobs this results folder submitted before that are still queued or running.
live_jobs() {
  local f="$OUT/slurm/$1" id
  [ -f "$f" ] || return 0
  while read -r id; do
    [ -n "$id" ] && [ -n "$(squeue -h -j "$id" -o %i 2>/dev/null | head -1)" ] && echo "$id"
  done <"$f"
  return 0
}

q() { printf '%q' "$1"; }

ARRAY_JOB=""
if [ "$MERGE_ONLY" != 1 ]; then
  [ -n "$STUDY" ] || die "--study is missing (see --help)"
  [ -f "$STUDY" ] || die "study file '$STUDY' not found"
  STUDY="$(cd "$(dirname "$STUDY")" && pwd)/$(basename "$STUDY")"
  mapfile -t TO_RUN < <(expand_shards "${SHARDS_TO_RUN:-1-$SHARD_COUNT}")
  [ ${#TO_RUN[@]} -gt 0 ] || die "--shards names no shard"
  # The study is read here, so a typo fails now and not in every task.
  "$LLMDSE" sweep --study "$STUDY" --shard "1/$SHARD_COUNT" --out "$OUT/shard-1-of-$SHARD_COUNT.sqlite" --dry-run \
    $SWEEP_ARGS >/dev/null || die "the study does not pass 'llmdse sweep --dry-run' (above)"
  check_fits
  CACHE_DEFAULT='${TMPDIR:-/tmp}/llmdse-${USER:-$(id -un)}/simcache.sqlite'
  TASK="$OUT/slurm/shard-task.sh"
  cat >"$TASK" <<EOF
#!/usr/bin/env bash
# One shard of $(q "$STUDY"); written by scripts/slurm-sweep.sh. --resume continues a shard
# that was stopped (failed, cancelled, timed out), and refuses a file of another study or split.
set -euo pipefail
K=\$SLURM_ARRAY_TASK_ID
cache=$( [ -n "$SIM_CACHE" ] && q "$SIM_CACHE" || echo "\"$CACHE_DEFAULT\"" )
echo "shard \$K/$SHARD_COUNT on \$(hostname) (job \${SLURM_ARRAY_JOB_ID}_\$K, \${SLURM_CPUS_PER_TASK:-1} CPUs), cache \$cache"
exec $(q "$LLMDSE") sweep --study $(q "$STUDY") --shard "\$K/$SHARD_COUNT" --threads "\${SLURM_CPUS_PER_TASK:-1}" \\
  --out $(q "$OUT")/shard-\$K-of-$SHARD_COUNT.sqlite --resume --sim-cache "\$cache" $SWEEP_ARGS
EOF
  ARRAY_SPEC=$(printf '%s\n' "${TO_RUN[@]}" | sort -nu | awk 'NR > 1 && $1 == last + 1 { last = $1; next }
    { if (NR > 1) printf "%s%s,", first, (last > first ? "-" last : ""); first = last = $1 }
    END { printf "%s%s", first, (last > first ? "-" last : "") }') # 1,2,3,7 -> 1-3,7
  ARRAY_JOB=$(sbatch --parsable --array="$ARRAY_SPEC" --cpus-per-task="$CPUS" --mem="$MEM" "${RESOURCES[@]}" \
    --job-name=llmdse-sweep --chdir="$OUT" --output="$OUT/logs/shard-%a.job%A.log" "$TASK") \
    || die "sbatch refused the shard array (above)"
  ARRAY_JOB="${ARRAY_JOB%%;*}"
  echo "$ARRAY_JOB" >>"$OUT/slurm/array-jobs"
  echo "submitted array job $ARRAY_JOB: shards $ARRAY_SPEC of $SHARD_COUNT, $CPUS CPUs and $MEM each"
fi

if [ "$MERGE_ONLY" = 1 ] || [ "$NO_MERGE" != 1 ]; then
  # An earlier merge still waiting would race this one for all.sqlite: cancel it.
  for id in $(live_jobs merge-jobs); do
    if [ "$(squeue -h -j "$id" -o %T 2>/dev/null)" = PENDING ]; then
      scancel "$id" && echo "cancelled the earlier merge job $id (still pending)"
    fi
  done
  DEPS=$( { [ -n "$ARRAY_JOB" ] && echo "$ARRAY_JOB"; live_jobs array-jobs; live_jobs merge-jobs; } | sort -u | paste -sd: -)
  MERGE="$OUT/slurm/merge.sh"
  cat >"$MERGE" <<EOF
#!/usr/bin/env bash
# Merges the shards of $(q "$OUT"); written by scripts/slurm-sweep.sh. Files of another split are
# left out (with a note); missing or partial shards are named, with the command that reruns them.
set -uo pipefail
shopt -s nullglob
cd $(q "$OUT")
report=\$(mktemp)
$(q "$LLMDSE") merge --out all.sqlite --overwrite --shard-count $SHARD_COUNT shard-*-of-*.sqlite 2>&1 | tee "\$report"
status=\${PIPESTATUS[0]}
if [ "\$status" -ne 0 ]; then
  rerun=\$(sed -n 's/.*Run shards\{0,1\} \([0-9,]*\) of.*/\1/p' "\$report" | head -1)
  echo "to recover: bash $(q "$ROOT/scripts/slurm-sweep.sh") --study $(q "${STUDY:-STUDY.json}") --out $(q "$OUT") --shard-count $SHARD_COUNT --shards \${rerun:-1-$SHARD_COUNT} $(printf '%q ' "${RESOURCE_ARGS[@]}")"
fi
rm -f "\$report"
exit "\$status"
EOF
  MERGE_JOB=$(sbatch --parsable ${DEPS:+--dependency=afterany:$DEPS} --cpus-per-task=1 --mem="$MEM" "${RESOURCES[@]}" \
    --job-name=llmdse-merge --chdir="$OUT" --output="$OUT/logs/merge.job%j.log" "$MERGE") \
    || die "sbatch refused the merge job (above)"
  MERGE_JOB="${MERGE_JOB%%;*}"
  echo "$MERGE_JOB" >>"$OUT/slurm/merge-jobs"
  echo "submitted merge job $MERGE_JOB${DEPS:+ (after jobs ${DEPS//:/, } end)}: $OUT/all.sqlite"
fi
echo "logs: $OUT/logs/   watch: squeue -u \"\$USER\"   results: llmdse merge's report in $OUT/logs/merge.job*.log"
