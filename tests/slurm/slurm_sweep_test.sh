#!/usr/bin/env bash
# A real single-node Slurm cluster (Debian's slurm-wlm and munge), brought up in a temporary
# folder and torn down again: scripts/slurm-sweep.sh runs an 8-shard sweep of 1,048,576 points,
# one task is cancelled mid-run, the merge names it, it is rerun alone (--shards K), merged,
# and the rows and Pareto front equal a single-process sweep's. --merge-only merges again.
# Usage: slurm_sweep_test.sh [path/to/llmdse]. Exit 77 (skipped) where Slurm cannot run here.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
LLMDSE="${1:-$ROOT/build/bin/llmdse}"
SECONDS=0

skip() { echo "SKIPPED: the Slurm test cannot run here: $*"; exit 77; }
fail() { echo "FAILED: $*"; dump_logs; exit 1; }
note() { printf '[%3ds] %s\n' "$SECONDS" "$*"; }

[ -x "$LLMDSE" ] || fail "llmdse binary '$LLMDSE' not found"
missing=()
for c in sbatch squeue scancel scontrol sinfo slurmctld slurmd munged setpriv sqlite3; do
  command -v "$c" >/dev/null || missing+=("$c")
done
[ ${#missing[@]} -eq 0 ] || skip "missing ${missing[*]} (install slurm-wlm, munge and sqlite3: bash scripts/setup-slurm.sh, as root)"
[ "$(id -u)" -eq 0 ] || skip "starting munged (as user munge) and slurmd needs root"
id munge >/dev/null 2>&1 || skip "no 'munge' user (the munge package creates it)"

T="$(mktemp -d /tmp/llmdse-slurm.XXXXXX)"
chmod 755 "$T"
PIDS=()
dump_logs() {
  for f in "$T"/slurmctld.log "$T"/slurmd.log "$T"/munge/munged.log; do
    [ -s "$f" ] && { echo "--- last lines of $f"; tail -15 "$f"; }
  done
  return 0
}
cleanup() {
  local rc=$?
  if [ -n "${SLURM_CONF:-}" ] && [ ${#PIDS[@]} -gt 0 ]; then
    scancel --full -u "$(id -un)" 2>/dev/null || true
    for _ in $(seq 1 40); do [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break; sleep 0.5; done
  fi
  # Every daemon this test started, by its pid, newest first.
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill -TERM "${PIDS[i]}" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ "${KEEP_SLURM_TEST:-0}" = 1 ]; then echo "kept $T"; else rm -rf "$T"; fi
  note "done (exit $rc)"
  exit $rc
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# --- munge: our own key and socket, run as user munge
mkdir -p "$T/munge" "$T/munge-socket"
dd if=/dev/urandom of="$T/munge/munge.key" bs=1024 count=1 status=none
chown -R munge:munge "$T/munge" "$T/munge-socket"
chmod 700 "$T/munge"
chmod 755 "$T/munge-socket" # clients need to reach the socket
chmod 400 "$T/munge/munge.key"
SOCKET="$T/munge-socket/munge.socket"
setpriv --reuid=munge --regid=munge --clear-groups -- /usr/sbin/munged --foreground \
  --key-file="$T/munge/munge.key" --socket="$SOCKET" --pid-file="$T/munge/munged.pid" \
  --log-file="$T/munge/munged.log" --seed-file="$T/munge/munged.seed" >"$T/munged.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 40); do [ -S "$SOCKET" ] && break; sleep 0.25; done
[ -S "$SOCKET" ] || fail "munged did not start"

# --- slurm.conf: this host as the controller and the only node, no cgroups, no accounting
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  echo 26817
}
HOST="$(hostname -s)"
CPUS="$(nproc)"
MEM_MB="$(awk '/MemTotal/ {print int($2 / 1024 * 0.9)}' /proc/meminfo)"
CTLD_PORT="$(free_port)"
SLURMD_PORT="$(free_port)"
mkdir -p "$T/state" "$T/spool"
export SLURM_CONF="$T/slurm.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=llmdse-test
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$SOCKET
CredType=cred/munge
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$T/jobcomp.txt
MpiDefault=none
ReturnToService=2
KillWait=5
MinJobAge=600
MailProg=/bin/true
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=test Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -D -i -f "$SLURM_CONF" >"$T/slurmctld.out" 2>&1 &
PIDS+=($!)
slurmd -D -f "$SLURM_CONF" -N "$HOST" >"$T/slurmd.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 120); do
  [ "$(sinfo -h -o %T 2>/dev/null)" = idle ] && break
  sleep 0.5
done
[ "$(sinfo -h -o %T 2>/dev/null)" = idle ] || fail "the node did not become idle: $(sinfo 2>&1)"
note "Slurm is up: node $HOST, $CPUS CPUs, ${MEM_MB} MB"

job_state() { scontrol show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -1; }
wait_done() { # job id (or array): until none of it is queued or running
  for _ in $(seq 1 600); do [ -z "$(squeue -h -j "$1" -o %i 2>/dev/null)" ] && return 0; sleep 0.5; done
  fail "job $1 still queued after 5 minutes: $(squeue 2>&1)"
}
rows() { [ -e "$1" ] && sqlite3 -readonly "$1" "SELECT COUNT(*) FROM points" 2>/dev/null || echo 0; }

# --- the study, and one process sweeping it all
STUDY="$T/study.json"
cat >"$STUDY" <<'EOF'
{"base": {"model": "llama-2-7b", "hardware": "h100-sxm", "prompt": 64, "output": 8},
 "random": {"samples": 1048576, "seed": 12, "ranges": {"batch": [1, 64], "prompt": [16, 4096],
            "hardware.memory_bandwidth": {"min": 100, "max": 10000, "log": true}}},
 "objectives": ["tpot_s", "-tokens_per_j"]}
EOF
"$LLMDSE" sweep --quiet --study "$STUDY" --out "$T/single.sqlite" --pareto >/dev/null
note "single-process sweep: $(rows "$T/single.sqlite") points"

# --- 8 shards on Slurm, one cancelled while it runs
OUT="$T/out"
SWEEP=(bash "$ROOT/scripts/slurm-sweep.sh" --study "$STUDY" --out "$OUT" --shard-count 8 --cpus 1 --mem 500M
       --time 10:00 --llmdse "$LLMDSE" --sim-cache "$T/node-local/simcache.sqlite")
# A request no node can meet is refused before anything is submitted (it would pend forever).
if msg=$("${SWEEP[@]}" --cpus $((CPUS + 1)) 2>&1); then fail "--cpus $((CPUS + 1)) on a $CPUS-CPU node was submitted"; fi
grep -q "no node has $((CPUS + 1)) CPUs" <<<"$msg" || fail "unexpected refusal: $msg"
if msg=$("${SWEEP[@]}" --shards 9 2>&1); then fail "--shards 9 of 8 was submitted"; fi
grep -q "shard 9 is outside 1..8" <<<"$msg" || fail "unexpected refusal: $msg"
[ -z "$(squeue -h -o %i)" ] || fail "a refused request left jobs behind"

"${SWEEP[@]}"
ARRAY="$(tail -1 "$OUT/slurm/array-jobs")"
MERGE1="$(tail -1 "$OUT/slurm/merge-jobs")"
victim=""
for k in 2 3 4 5 6 7 8; do
  # Cancel task k once it has stored some points and before it has all of them.
  file="$OUT/shard-$k-of-8.sqlite"
  for _ in $(seq 1 2000); do
    n=$(rows "$file")
    [ "$n" -gt 0 ] && break
    [ -z "$(squeue -h -j "${ARRAY}_$k" -o %i 2>/dev/null)" ] && [ -e "$file" ] && break
    sleep 0.02
  done
  scancel "${ARRAY}_$k"
  for _ in $(seq 1 100); do [ -z "$(squeue -h -j "${ARRAY}_$k" -o %i 2>/dev/null)" ] && break; sleep 0.1; done
  if [ "$(job_state "${ARRAY}_$k")" = CANCELLED ] && [ "$(rows "$file")" -lt 131072 ]; then
    victim=$k
    break
  fi
  note "task $k finished before the cancel landed ($(job_state "${ARRAY}_$k")); trying the next"
done
[ -n "$victim" ] || fail "no task could be cancelled mid-run"
kept=$(rows "$OUT/shard-$victim-of-8.sqlite")
note "cancelled task ${ARRAY}_$victim mid-run with $kept of 131072 points stored"
wait_done "$ARRAY"
wait_done "$MERGE1"
[ "$(job_state "$MERGE1")" = FAILED ] || fail "merge job $MERGE1 should fail with a shard missing: $(job_state "$MERGE1")"
grep -q "partial shard $victim/8" "$OUT"/logs/merge.job"$MERGE1".log || fail "the merge log does not name shard $victim"
grep -q -- "--shards $victim " "$OUT"/logs/merge.job"$MERGE1".log || fail "the merge log does not say how to recover"
note "merge job $MERGE1 refused: $(grep -o "partial shard $victim/8 ([^)]*): holds [0-9]* of [0-9]* points" "$OUT"/logs/merge.job"$MERGE1".log)"

# --- rerun only the cancelled shard; it resumes, and the new merge covers everything
"${SWEEP[@]}" --shards "$victim"
ARRAY2="$(tail -1 "$OUT/slurm/array-jobs")"
MERGE2="$(tail -1 "$OUT/slurm/merge-jobs")"
wait_done "$ARRAY2"
wait_done "$MERGE2"
[ "$(job_state "$MERGE2")" = COMPLETED ] || { cat "$OUT"/logs/merge.job"$MERGE2".log; fail "merge job $MERGE2: $(job_state "$MERGE2")"; }
grep -q "merged 8 shard files (8-shard split): 1048576 points" "$OUT"/logs/merge.job"$MERGE2".log \
  || fail "unexpected merge report: $(cat "$OUT"/logs/merge.job"$MERGE2".log)"
[ "$kept" -eq 0 ] || grep -q "$((131072 - kept)) evaluated" "$OUT/logs/shard-$victim.job$ARRAY2.log" \
  || fail "the rerun did not resume: $(cat "$OUT/logs/shard-$victim.job$ARRAY2.log")"
[ -s "$OUT/logs/shard-$victim.job$ARRAY.log" ] || fail "the first attempt's log is gone"

compare() { # merged file: same rows and Pareto front as the single-process sweep
  local merged="$1" diff
  [ "$(rows "$merged")" -eq 1048576 ] || fail "$merged holds $(rows "$merged") points"
  diff=$(sqlite3 "$merged" "ATTACH '$T/single.sqlite' AS one;
    SELECT (SELECT COUNT(*) FROM (SELECT * FROM points EXCEPT SELECT * FROM one.points))
         + (SELECT COUNT(*) FROM (SELECT * FROM one.points EXCEPT SELECT * FROM points));")
  [ "$diff" = 0 ] || fail "$diff rows differ from the single-process sweep"
  [ "$(sqlite3 "$merged" 'SELECT group_concat(idx) FROM (SELECT idx FROM pareto ORDER BY idx)')" = \
    "$(sqlite3 "$T/single.sqlite" 'SELECT group_concat(idx) FROM (SELECT idx FROM pareto ORDER BY idx)')" ] \
    || fail "the Pareto fronts differ"
}
compare "$OUT/all.sqlite"
note "rerun of shard $victim resumed; merge job $MERGE2: 1048576 rows and the Pareto front ($(sqlite3 "$OUT/all.sqlite" 'SELECT COUNT(*) FROM pareto') points) equal the single-process sweep"

# --- --merge-only: just the merge job
rm -f "$OUT/all.sqlite"
"${SWEEP[@]}" --merge-only
MERGE3="$(tail -1 "$OUT/slurm/merge-jobs")"
wait_done "$MERGE3"
[ "$(job_state "$MERGE3")" = COMPLETED ] || fail "--merge-only job $MERGE3: $(job_state "$MERGE3")"
compare "$OUT/all.sqlite"
note "--merge-only: merge job $MERGE3 gives the same result"
echo "PASSED in ${SECONDS} s"
