#!/usr/bin/env bash
# Runs one study as a Slurm job array: each task evaluates one shard, and a
# dependent job merges them. Submit with:
#   STUDY=study.json OUT=results SHARDS=64 bash scripts/slurm-sweep.sh
# (run from the repository root after `bash scripts/setup.sh` on a shared filesystem).
set -euo pipefail
STUDY="${STUDY:?set STUDY=path/to/study.json}"
OUT="${OUT:-results}"
SHARDS="${SHARDS:-16}"
mkdir -p "$OUT"
ARRAY_JOB=$(sbatch --parsable --array=1-"$SHARDS" --cpus-per-task="${CPUS:-8}" --job-name=llmdse-sweep \
  --output="$OUT/shard-%a.log" --wrap \
  "build/bin/llmdse sweep --study '$STUDY' --shard \${SLURM_ARRAY_TASK_ID}/$SHARDS --threads \${SLURM_CPUS_PER_TASK} \
     --out '$OUT'/shard-\${SLURM_ARRAY_TASK_ID}.sqlite --resume --quiet")
sbatch --dependency=afterok:"$ARRAY_JOB" --job-name=llmdse-merge --output="$OUT/merge.log" --wrap \
  "build/bin/llmdse merge --out '$OUT/all.sqlite' --overwrite '$OUT'/shard-*.sqlite"
echo "submitted array job $ARRAY_JOB ($SHARDS shards) and its merge; results in $OUT/all.sqlite"
